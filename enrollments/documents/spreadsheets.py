"""Writers for the attendance export, the hours summary and the sign-in sheet.

Rows come from ``.iterator()`` over value tuples: memory stays flat whatever the
number of rows. The CSV is produced as a generator of bytes; the XLSX goes
through openpyxl's write-only workbook into a file object.

Text that a spreadsheet program could read as a formula (see ``formula_like``)
is neutralised here, the one place both writers share. CSV has no cell types, so
such text gets a leading apostrophe, the usual convention that Excel and
LibreOffice show as text. XLSX cells are typed: every text is written as an
explicit string cell (never a formula), and formula-like text also gets the
quote-prefix style, so the value is unchanged and stays text when edited.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from enrollments.models import Attendance, EvaluationQuestion

CHUNK_SIZE = 2000
# Leading blanks and control characters are skipped by spreadsheet programs before they
# look for a formula; full-width signs are read as their ASCII forms; "|" starts a DDE
# call and "%" a URL-encoded control character such as "%0A".
FORMULA_START = re.compile(r"^[\x00-\x20\x7f\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20|%]|^[\t\r]")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_TIME_FORMAT = "hh:mm"
XLSX_HOURS_FORMAT = "0.0"


def formula_like(text: str) -> bool:
    return FORMULA_START.match(text) is not None


def neutralise(value):
    """For CSV: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def _xlsx_text_cell(sheet, text: str) -> WriteOnlyCell:
    """An explicit string cell; XML cannot carry most C0 control characters, so they go."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True
    return cell


def attendance_headers() -> list[str]:
    return [
        _("Trainee"),
        _("Mobile phone"),
        _("Organisation"),
        _("Course"),
        _("Session"),
        _("Date"),
        _("Starts"),
        _("Ends"),
        _("Place"),
        _("Status"),
        _("Class-hours credited"),
        _("Checked in"),
        _("Check-in method"),
    ]


def _attendance_typed_rows(values: Iterable[tuple]) -> Iterator[list]:
    """Value tuples from ``attendance_export_rows`` as typed cells in local time."""
    statuses = dict(Attendance.Status.choices)
    methods = dict(Attendance.Method.choices)
    for (
        full_name,
        phone,
        organization,
        course,
        session,
        starts_at,
        ends_at,
        place,
        status,
        hours,
        checked_in_at,
        method,
    ) in values:
        starts = timezone.localtime(starts_at)
        ends = timezone.localtime(ends_at)
        checked_in = timezone.localtime(checked_in_at) if checked_in_at else None
        yield [
            full_name,
            phone,
            organization or "",
            course,
            session,
            starts.date(),
            starts.replace(tzinfo=None),
            ends.replace(tzinfo=None),
            place,
            str(statuses.get(status, status)),
            Decimal(hours),
            checked_in.replace(tzinfo=None) if checked_in else None,
            str(methods.get(method, method)),
        ]


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark so that Excel reads Chinese; one chunk per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([neutralise(header) for header in headers]).encode()
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row]).encode()


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return _xlsx_text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
    if isinstance(value, datetime):
        cell.number_format = XLSX_DATETIME_FORMAT
    elif hasattr(value, "isoformat") and not isinstance(value, datetime):
        cell.number_format = XLSX_DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = XLSX_HOURS_FORMAT
    return cell


def xlsx_write(output, *, title: str, headers: list[str], rows: Iterable[list]) -> int:
    """Write a one-sheet workbook to ``output``; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _xlsx_text_cell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(output)
    return count


def attendance_csv_stream(values, *, language: str) -> Iterator[bytes]:
    """The attendance export as CSV bytes; headers and statuses in ``language``."""
    with override(language):
        headers = attendance_headers()
    # Statuses are translated inside the generator: it runs after the view has returned.
    yield from csv_stream(headers, _translated(values, language))


def _translated(values, language: str) -> Iterator[list]:
    with override(language):
        yield from _attendance_typed_rows(values.iterator(chunk_size=CHUNK_SIZE))


def attendance_xlsx_write(output, values, *, language: str) -> int:
    with override(language):
        return xlsx_write(
            output,
            title=_("Attendance"),
            headers=attendance_headers(),
            rows=_attendance_typed_rows(values.iterator(chunk_size=CHUNK_SIZE)),
        )


def attendance_csv_write(output, values, *, language: str) -> int:
    """Write the CSV export to a binary file object; returns the number of data rows."""
    count = -2  # the byte-order mark and the header line are chunks too
    for chunk in attendance_csv_stream(values, language=language):
        output.write(chunk)
        count += 1
    return count


def hours_summary_headers() -> list[str]:
    return [
        _("Trainee"),
        _("Mobile phone"),
        _("Organisation"),
        _("Online lessons"),
        _("Classroom sessions"),
        _("External training"),
        _("Adjustments"),
        _("Total class-hours"),
    ]


def hours_summary_xlsx_write(output, values, *, language: str, title: str) -> int:
    """``values`` yields (name, phone, organisation, online, classroom, external,
    adjustment, total) tuples."""

    def rows():
        for row in values.iterator(chunk_size=CHUNK_SIZE):
            name, phone, organization, *hours = row
            yield [name, phone, organization or ""] + [Decimal(h or 0) for h in hours]

    with override(language):
        return xlsx_write(output, title=title, headers=hours_summary_headers(), rows=rows())


def evaluation_headers() -> list[str]:
    return [
        pgettext("time of", "Submitted"),
        _("Course"),
        _("Session"),
        _("Session date"),
        _("Trainer"),
        _("Question"),
        _("Aspect"),
        _("Rating"),
        _("Answer"),
    ]


def _evaluation_typed_rows(values: Iterable[tuple]) -> Iterator[list]:
    """Value tuples from ``selectors.evaluations.evaluation_export_rows`` as typed cells."""
    aspects = dict(EvaluationQuestion.Aspect.choices)
    for submitted_at, course, session, starts_at, trainer, question, aspect, rating, text in values:
        yield [
            timezone.localtime(submitted_at).replace(tzinfo=None),
            course,
            session or _("Whole course"),
            timezone.localtime(starts_at).date() if starts_at else None,
            trainer or "",
            _(question),
            str(aspects.get(aspect, aspect)),
            rating,
            text,
        ]


def _evaluation_rows(values, language: str) -> Iterator[list]:
    with override(language):
        yield from _evaluation_typed_rows(values.iterator(chunk_size=CHUNK_SIZE))


def evaluation_csv_stream(values, *, language: str) -> Iterator[bytes]:
    """The evaluation answers as CSV bytes, formula-like text neutralised."""
    with override(language):
        headers = evaluation_headers()
    yield from csv_stream(headers, _evaluation_rows(values, language))


def evaluation_xlsx_write(output, values, *, language: str) -> int:
    with override(language):
        return xlsx_write(
            output,
            title=_("Evaluations"),
            headers=evaluation_headers(),
            rows=_evaluation_typed_rows(values.iterator(chunk_size=CHUNK_SIZE)),
        )
