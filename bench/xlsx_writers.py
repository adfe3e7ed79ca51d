"""The attendance workbook's writer against the openpyxl write-only writer it replaced.

    .venv/bin/python bench/xlsx_writers.py [ROWS]

Writes ROWS (100,000 by default) attendance-shaped rows, made in memory (no database),
to a temporary file twice: with ``xlsx_write`` (XlsxWriter, constant memory) and with
openpyxl's write-only workbook cell by cell as the export did before (typed cells,
number formats, quote prefix, bold filled header, widths, frozen pane, autofilter).
Prints rows a second of this process's CPU time, which a shared machine's load does not
inflate the way it does wall time, and of wall time.
"""

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402
from openpyxl.styles import Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from enrollments.documents.spreadsheets import (  # noqa: E402
    ATTENDANCE_KINDS,
    NUMBER_FORMATS,
    ColumnKind,
    SheetColumn,
    attendance_headers,
    column_kind_of,
    formula_like,
    xlsx_write,
)


def attendance_rows(count: int):
    first = datetime(2026, 3, 2, 9, 0)
    for number in range(count):
        starts = first + timedelta(days=number // 1000)
        yield [
            f"学员{number}" if number % 50 else f"=学员{number}",
            f"177{number:08d}",
            f"第{number % 23}社会工作服务中心",
            "社会工作实务, 第一期",
            f"第{number // 1000}讲",
            starts.date(),
            starts,
            starts + timedelta(hours=3),
            "301 室, 二楼",
            "出勤" if number % 10 else "缺勤",
            Decimal("3.0") if number % 10 else Decimal("0"),
            starts + timedelta(minutes=number % 25) if number % 10 else None,
            "二维码" if number % 3 else "点名",
        ]


def openpyxl_write(output, *, headers, rows, kinds) -> int:
    """The previous writer: openpyxl's write-only workbook, one styled cell at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Attendance")
    for index, kind in enumerate(kinds, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = SheetColumn(headers[index - 1], kind).display_width
        if kind == ColumnKind.PHONE:
            dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E8EEEE")
        header_cells.append(cell)
    sheet.append(header_cells)

    def typed(value, kind):
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            if formula_like(text):
                cell.quotePrefix = True
            return cell
        if value is None:
            return WriteOnlyCell(sheet, value=None)
        if kind not in NUMBER_FORMATS:
            kind = column_kind_of(value)
        cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
        if kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[kind]
        return cell

    count = 0
    for row in rows:
        sheet.append([typed(value, kinds[index]) for index, value in enumerate(row)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(kinds))}{count + 1}"
    workbook.save(output)
    return count


def main(count: int) -> None:
    headers = attendance_headers()
    writers = {"xlsxwriter (xlsx_write)": xlsx_write, "openpyxl write-only": openpyxl_write}
    print(f"{'writer':<24} {'rows':>8} {'cpu s':>7} {'rows/s cpu':>10} {'rows/s wall':>11}")
    for name, write in writers.items():
        with tempfile.TemporaryFile() as output:
            cpu, wall = time.process_time(), time.perf_counter()
            kwargs = {"headers": headers, "rows": attendance_rows(count), "kinds": ATTENDANCE_KINDS}
            if write is xlsx_write:
                kwargs["title"] = "Attendance"
            written = write(output, **kwargs)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{name:<24} {written:>8} {cpu:>7.2f} {written / cpu:>10,.0f} {written / wall:>11,.0f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
