"""The year in figures as a workbook (one sheet per table) and as an A4 PDF (年度培训工作统计).

Both take the report the statistics page shows, so the three agree figure for figure.
"""

import unicodedata
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from academy.pdf_fonts import cjk_font_name
from enrollments.documents.layout import a4_portrait_document
from enrollments.documents.spreadsheets import XLSX_HOURS_FORMAT, neutralise

XLSX_COUNT_FORMAT = "#,##0"
XLSX_PERCENT_FORMAT = "0.0%"
XLSX_RATING_FORMAT = "0.00"
NUMBER_FORMATS = {
    "count": XLSX_COUNT_FORMAT,
    "hours": XLSX_HOURS_FORMAT,
    "percent": XLSX_PERCENT_FORMAT,
    "rating": XLSX_RATING_FORMAT,
}
# Room for the autofilter's button and for LibreOffice's and Excel's own padding.
WIDTH_PADDING = 4
MAX_WIDTH = 60


def display_text(value: Any, kind: str) -> str:
    """How a figure is written in the PDF and how wide it is shown in the workbook."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "rating":
        return f"{value:.2f}"
    if kind == "hours":
        return f"{value:,.1f}"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def _text_width(text: str) -> int:
    """Columns a text needs: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]
    name, number = cleaned, 2
    while name in used:
        name = f"{cleaned[:28]} {number}"
        number += 1
    used.add(name)
    return name


def _cell_value(value: Any, kind: str) -> Any:
    if kind == "text":
        return neutralise(str(value or ""))
    if value is None:
        return None
    return float(value) if kind in ("hours", "percent", "rating") else value


def _write_sheet(sheet, headers: list[str], kinds: list[str], rows: list[list[Any]]) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEEE")
    widths = [_text_width(header) for header in headers]
    sheet.append([neutralise(header) for header in headers])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
    for values in rows:
        sheet.append([_cell_value(value, kind) for value, kind in zip(values, kinds, strict=True)])
        for index, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            widths[index] = max(widths[index], _text_width(display_text(value, kind)))
    for index, kind in enumerate(kinds, start=1):
        if kind in NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = NUMBER_FORMATS[kind]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            width + WIDTH_PADDING, MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"


def statistics_xlsx_write(*, output, report) -> int:
    """Write the report to ``output``: the headline figures, then one sheet per table.
    Returns the number of sheets."""
    workbook = Workbook()
    used: set[str] = set()
    summary = workbook.active
    summary.title = _sheet_title(pgettext("sheet", "Summary"), used)
    _write_sheet(
        summary,
        [_("Figure"), _period_label(report.period), _period_label(report.previous_period)],
        ["text", "number", "number"],
        [],
    )
    for headline in report.headlines:
        row = summary.max_row + 1
        summary.cell(row=row, column=1, value=neutralise(str(headline.label)))
        for column, value in ((2, headline.value), (3, headline.previous)):
            cell = summary.cell(row=row, column=column, value=_cell_value(value, headline.kind))
            cell.number_format = NUMBER_FORMATS[headline.kind]
    widths = [
        max(
            [_text_width(str(summary.cell(row=1, column=column).value))]
            + [
                _text_width(
                    str(headline.label)
                    if column == 1
                    else display_text(
                        headline.value if column == 2 else headline.previous, headline.kind
                    )
                )
                for headline in report.headlines
            ]
        )
        for column in (1, 2, 3)
    ]
    for index, width in enumerate(widths, start=1):
        summary.column_dimensions[get_column_letter(index)].width = width + WIDTH_PADDING
    summary.freeze_panes = "A2"
    summary.auto_filter.ref = f"A1:C{len(report.headlines) + 1}"
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.title), used))
        _write_sheet(
            sheet,
            [str(column.label) for column in table.columns],
            [column.kind for column in table.columns],
            [table.values(row) for row in table.rows],
        )
    workbook.save(output)
    return len(workbook.sheetnames)


def _period_label(period) -> str:
    return f"{period.first_day:%Y-%m-%d} – {period.last_day:%Y-%m-%d}"


def statistics_pdf(*, report, academy_name: str) -> bytes:
    """The printable A4 statistics (年度培训工作统计): the academy, the period, the figures."""
    font = cjk_font_name()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    subtitle_style = ParagraphStyle("subtitle", fontName=font, fontSize=11, leading=16, alignment=1)
    heading_style = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
    note_style = ParagraphStyle("note", fontName=font, fontSize=8, leading=11)

    title = _("Annual training statistics")
    story: list = [
        Paragraph(escape(academy_name), subtitle_style),
        Paragraph(escape(title), title_style),
        Paragraph(
            escape(
                _("Period: %(period)s (compared with %(previous)s)")
                % {
                    "period": _period_label(report.period),
                    "previous": _period_label(report.previous_period),
                }
            ),
            subtitle_style,
        ),
        Spacer(1, 5 * mm),
    ]
    headline_rows = [
        [_("Figure"), _("This period"), _("Previous period"), pgettext("between periods", "Change")]
    ]
    for headline in report.headlines:
        change = headline.change
        change_text = "—"
        if change is not None:
            sign = "+" if change > 0 else ""
            change_text = (
                f"{sign}{change * 100:.1f} pt"
                if headline.kind == "percent"
                else sign + display_text(change, headline.kind)
            )
        headline_rows.append(
            [
                Paragraph(escape(str(headline.label)), cell_style),
                display_text(headline.value, headline.kind),
                display_text(headline.previous, headline.kind),
                change_text,
            ]
        )
    story.append(_pdf_table(headline_rows, font, [70 * mm, 35 * mm, 35 * mm, 35 * mm]))
    for table in report.tables:
        if not table.rows:
            continue
        story.append(Paragraph(escape(str(table.title)), heading_style))
        rows = [[Paragraph(escape(str(column.label)), cell_style) for column in table.columns]]
        for row in table.rows:
            rows.append(
                [
                    Paragraph(escape(display_text(value, column.kind)), cell_style)
                    if column.kind == "text"
                    else display_text(value, column.kind)
                    for value, column in zip(table.values(row), table.columns, strict=True)
                ]
            )
        first = 50 * mm
        other = (180 * mm - first) / max(len(table.columns) - 1, 1)
        story.append(_pdf_table(rows, font, [first] + [other] * (len(table.columns) - 1)))
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "Definitions as in the academy's statistics rules: class-hours delivered "
                    "count %(unit)s; person-times are one per trainee per session attended "
                    "(present, late or left early) plus one per online course completion."
                )
                % {"unit": report.rule.get_class_hour_unit_display()}
            ),
            note_style,
        ),
    ]
    buffer = BytesIO()
    document = a4_portrait_document(
        buffer, margin=15 * mm, title=f"{title} · {academy_name}", author=academy_name
    )
    document.build(story)
    return buffer.getvalue()


def _pdf_table(rows: list[list], font: str, widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table
