"""Writers for the attendance export, the hours summary and the sign-in sheet.

Rows come from ``.iterator()`` over value tuples: memory stays flat whatever the
number of rows. The CSV is produced as a generator of bytes; the XLSX goes
through XlsxWriter's constant-memory workbook into a file object (openpyxl reads
uploaded workbooks, see ``reading``).

Text that a spreadsheet program could read as a formula (see ``formula_like``)
is neutralised here, the one place both writers share. CSV has no cell types, so
such text gets a leading apostrophe, the usual convention that Excel and
LibreOffice show as text. XLSX cells are typed: every text is written as an
explicit string cell (never a formula), and formula-like text also gets the
quote-prefix style, so the value is unchanged, shows without an apostrophe and
stays text when edited.

Every workbook sheet is written by ``xlsx_sheet_write``: each column has a
``ColumnKind`` that gives its cell format and its width (known before the first
row, as the rows stream); the header row is bold, frozen and filtered.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from typing import Any, NamedTuple

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from enrollments.models import Attendance, EvaluationQuestion

CHUNK_SIZE = 2000
# Leading blanks and control characters are skipped by spreadsheet programs before they
# look for a formula; full-width signs are read as their ASCII forms; "|" starts a DDE
# call and "%" a URL-encoded control character such as "%0A".
FORMULA_START_PATTERN = r"^[\x00-\x20\x7f\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20|%]|^[\t\r]"
FORMULA_START = re.compile(FORMULA_START_PATTERN)
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_TIME_FORMAT = "hh:mm"
XLSX_HOURS_FORMAT = "0.0"
XLSX_COUNT_FORMAT = "#,##0"
XLSX_PERCENT_FORMAT = "0.0%"
XLSX_RATING_FORMAT = "0.00"
TEXT_FORMAT = "@"


# What text that FORMULA_START matches can start with, besides the characters up to the
# space: text starting with anything else is plain, and most text is told at once.
FORMULA_FIRST = frozenset("=+-@\uff1d\uff0b\uff0d\uff20|%\x7f\u3000")


def formula_like(text: str) -> bool:
    if not text or (text[0] > " " and text[0] not in FORMULA_FIRST):
        return False
    return FORMULA_START.match(text) is not None


def neutralise(value):
    """For CSV: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def text_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class ColumnKind(StrEnum):
    """The shape of a column's values: it decides the cell format and the column width."""

    TEXT = "text"
    NAME = "name"
    PHONE = "phone"
    ORGANISATION = "organisation"
    TITLE = "title"
    LONG_TEXT = "long_text"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    HOURS = "hours"
    COUNT = "count"
    PERCENT = "percent"
    RATING = "rating"


# How wide each kind's values are shown (in columns of a "0"), known before any row is
# written: an export streams its rows and never holds them all to measure them.
KIND_WIDTHS = {
    ColumnKind.TEXT: 16,
    ColumnKind.NAME: 12,
    ColumnKind.PHONE: 13,
    ColumnKind.ORGANISATION: 44,
    ColumnKind.TITLE: 40,
    ColumnKind.LONG_TEXT: 50,
    ColumnKind.DATE: 10,
    ColumnKind.TIME: 5,
    ColumnKind.DATETIME: 16,
    ColumnKind.HOURS: 8,
    ColumnKind.COUNT: 10,
    ColumnKind.PERCENT: 7,
    ColumnKind.RATING: 6,
}
NUMBER_FORMATS = {
    ColumnKind.DATE: XLSX_DATE_FORMAT,
    ColumnKind.TIME: XLSX_TIME_FORMAT,
    ColumnKind.DATETIME: XLSX_DATETIME_FORMAT,
    ColumnKind.HOURS: XLSX_HOURS_FORMAT,
    ColumnKind.COUNT: XLSX_COUNT_FORMAT,
    ColumnKind.PERCENT: XLSX_PERCENT_FORMAT,
    ColumnKind.RATING: XLSX_RATING_FORMAT,
}
# Room for the autofilter's button and for LibreOffice's and Excel's own padding.
WIDTH_PADDING = 4
MAX_WIDTH = 60
HEADER_STYLE = {"bold": True, "pattern": 1, "bg_color": "#E8EEEE"}


@dataclass(frozen=True)
class SheetColumn:
    """A column of a workbook sheet; ``width`` is the widest value when it is known."""

    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: int | None = None

    @property
    def display_width(self) -> float:
        content = KIND_WIDTHS[self.kind] if self.width is None else self.width
        return min(max(text_width(self.header), content) + WIDTH_PADDING, MAX_WIDTH)


def column_kind_of(value) -> ColumnKind:
    """The kind a value suggests, for writers that give headers only."""
    if isinstance(value, datetime):
        return ColumnKind.DATETIME
    if isinstance(value, date):
        return ColumnKind.DATE
    if isinstance(value, time):
        return ColumnKind.TIME
    if isinstance(value, Decimal | float):
        return ColumnKind.HOURS
    if isinstance(value, int) and not isinstance(value, bool):
        return ColumnKind.COUNT
    return ColumnKind.TEXT


def xml_text(text: str) -> str:
    """Text as a cell can hold it: XML cannot carry most C0 control characters, so they
    go, and a carriage return is a line feed, as an XML reader sees it (XlsxWriter would
    write it as the escape _x000D_, which openpyxl and our own imports read literally)."""
    if text.isprintable():
        return text
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class KindedValue(NamedTuple):
    """A value whose kind differs from its column's (a summary row of mixed figures)."""

    value: Any
    kind: ColumnKind


class XlsxBook:
    """A workbook written as it goes (XlsxWriter's constant-memory mode: each row is on
    disk once the next begins) with the cell formats it has used, each made once."""

    def __init__(self, output: Any) -> None:
        self.workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        self.sheet_names: set[str] = set()
        self._formats: dict[tuple, Format] = {}

    def cell_format(self, **properties) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def close(self) -> None:
        self.workbook.close()


@contextmanager
def xlsx_book(output) -> Iterator[XlsxBook]:
    """A workbook that is written to ``output`` when the block ends."""
    book = XlsxBook(output)
    try:
        yield book
    finally:
        book.close()


class _CellWriter:
    """Writes the typed cells of one sheet: text as string cells (never a formula; see
    ``xml_text``; formula-like text gets the quote-prefix style, shown as it is with no
    apostrophe), numbers and dates with their kind's format."""

    def __init__(self, book: XlsxBook, sheet: Worksheet):
        self.sheet = sheet
        self.text = book.cell_format()
        self.quoted = book.cell_format(quote_prefix=True)
        self.wrapped = book.cell_format(text_wrap=True, valign="top")
        self.quoted_wrapped = book.cell_format(quote_prefix=True, text_wrap=True, valign="top")
        self.numbers = {
            kind: book.cell_format(num_format=number_format)
            for kind, number_format in NUMBER_FORMATS.items()
        }

    def write(self, row: int, column: int, value, kind: ColumnKind) -> None:
        if isinstance(value, KindedValue):
            value, kind = value
        if isinstance(value, str):
            text = xml_text(value)
            if kind == ColumnKind.LONG_TEXT:
                cell_format = self.quoted_wrapped if formula_like(text) else self.wrapped
            else:
                cell_format = self.quoted if formula_like(text) else self.text
            self.sheet.write_string(row, column, text, cell_format)
            return
        if value is None:
            return
        if kind not in NUMBER_FORMATS:
            kind = column_kind_of(value)
        cell_format = self.numbers.get(kind)
        if isinstance(value, bool):
            self.sheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, date | time):
            self.sheet.write_datetime(row, column, value, cell_format)
        elif isinstance(value, Decimal | int | float):
            self.sheet.write_number(row, column, float(value), cell_format)
        else:
            self.write(row, column, str(value), kind)


def sheet_title(title: str, used: set[str]) -> str:
    """A sheet name spreadsheet programs accept, unique in its workbook."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31] or "Sheet"
    name, number = cleaned, 2
    while name in used:
        name = f"{cleaned[:28]} {number}"
        number += 1
    used.add(name)
    return name


def xlsx_sheet_write(
    book: XlsxBook, *, title: str, columns: Sequence[SheetColumn], rows: Iterable[Sequence]
) -> int:
    """Append a formatted sheet to a workbook: fitted column widths, a bold frozen header
    row with an autofilter, typed cells. Returns the number of data rows."""
    sheet = book.workbook.add_worksheet(sheet_title(title, book.sheet_names))
    text_column = book.cell_format(num_format=TEXT_FORMAT)
    for index, column in enumerate(columns):
        # A number typed in later in a phone column stays text: 13800138000, not 1.38E+10.
        column_format = text_column if column.kind == ColumnKind.PHONE else None
        sheet.set_column(index, index, column.display_width, column_format)
    sheet.freeze_panes(1, 0)
    header = book.cell_format(**HEADER_STYLE)
    quoted_header = book.cell_format(**HEADER_STYLE, quote_prefix=True)
    for index, column in enumerate(columns):
        text = xml_text(column.header)
        sheet.write_string(0, index, text, quoted_header if formula_like(text) else header)
    kinds = [column.kind for column in columns]
    cells = _CellWriter(book, sheet)
    write = cells.write
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            write(count, index, value, kinds[index] if index < len(kinds) else ColumnKind.TEXT)
    sheet.autofilter(0, 0, count, max(len(columns), 1) - 1)
    return count


def xlsx_write(
    output,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    kinds: Sequence[ColumnKind] | None = None,
) -> int:
    """Write a one-sheet workbook to ``output``; returns the number of data rows. Without
    ``kinds``, each column's kind is read from the first row's values."""
    rows = iter(rows)
    first = next(rows, None)
    if kinds is None:
        kinds = [column_kind_of(value) for value in first or []]
    columns = [
        SheetColumn(header, kinds[index] if index < len(kinds) else ColumnKind.TEXT)
        for index, header in enumerate(headers)
    ]
    with xlsx_book(output) as book:
        return xlsx_sheet_write(
            book,
            title=title,
            columns=columns,
            rows=rows if first is None else chain([first], rows),
        )


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


ATTENDANCE_KINDS = [
    ColumnKind.NAME,
    ColumnKind.PHONE,
    ColumnKind.ORGANISATION,
    ColumnKind.TITLE,
    ColumnKind.TITLE,
    ColumnKind.DATE,
    ColumnKind.TIME,
    ColumnKind.TIME,
    ColumnKind.TEXT,
    ColumnKind.TEXT,
    ColumnKind.HOURS,
    ColumnKind.DATETIME,
    ColumnKind.TEXT,
]
HOURS_SUMMARY_KINDS = [ColumnKind.NAME, ColumnKind.PHONE, ColumnKind.ORGANISATION] + [
    ColumnKind.HOURS
] * 5
EVALUATION_KINDS = [
    ColumnKind.DATETIME,
    ColumnKind.TITLE,
    ColumnKind.TITLE,
    ColumnKind.DATE,
    ColumnKind.NAME,
    ColumnKind.TITLE,
    ColumnKind.TEXT,
    ColumnKind.COUNT,
    ColumnKind.LONG_TEXT,
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


def attendance_csv_python_stream(values, *, language: str) -> Iterator[bytes]:
    """The attendance export as CSV bytes, formatted row by row in Python; headers and
    statuses in ``language``. ``documents.attendance_csv`` has PostgreSQL's faster path."""
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
            kinds=ATTENDANCE_KINDS,
        )


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
        return xlsx_write(
            output,
            title=title,
            headers=hours_summary_headers(),
            rows=rows(),
            kinds=HOURS_SUMMARY_KINDS,
        )


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
            kinds=EVALUATION_KINDS,
        )


def change_history_headers() -> list[str]:
    return [
        _("Time"),
        _("Changed by"),
        _("Trainee"),
        _("Record"),
        _("Concerning"),
        _("Before the change"),
        _("After the change"),
        _("Reason"),
    ]


def _change_history_rows(changes: Iterable) -> Iterator[list]:
    """Changes from ``selectors.history`` as typed cells, times in local time."""
    for change in changes:
        yield [
            timezone.localtime(change.at).replace(tzinfo=None),
            change.actor,
            change.trainee,
            change.record,
            change.subject,
            change.before,
            change.after,
            change.reason,
        ]


def change_history_csv_stream(changes: Iterable, *, language: str) -> Iterator[bytes]:
    """A change history as CSV bytes; every text cell is neutralised by ``csv_stream``."""
    with override(language):
        headers = change_history_headers()
    yield from csv_stream(headers, _change_history_rows(changes))


def change_history_xlsx_write(output, changes: Iterable, *, language: str) -> int:
    with override(language):
        return xlsx_write(
            output,
            title=_("Change history"),
            headers=change_history_headers(),
            rows=_change_history_rows(changes),
        )
