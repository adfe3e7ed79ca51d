"""The attendance CSV: PostgreSQL's ``COPY`` where it can, Python's csv module elsewhere.

On PostgreSQL the rows are formatted by the database and streamed from
``COPY (SELECT ...) TO STDOUT (FORMAT csv)``: times in local time, statuses and
check-in methods as a ``CASE`` over their labels in the export's language, and
formula-like text neutralised by the same pattern and the same apostrophe as
``spreadsheets.neutralise``. The bytes are those of the Python path
(``spreadsheets.attendance_csv_python_stream``), which SQLite keeps: the same byte-order
mark and header line, the same quoting (``COPY`` and the csv module quote a value
that holds a comma, a double quote, a CR or an LF, doubling its quotes), empty text
as an empty field, and rows ending in CRLF.
"""

from collections.abc import Iterator

from django.db import connections
from django.db.models import Case, Expression, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import override

from enrollments.documents.spreadsheets import (
    FORMULA_START_PATTERN,
    attendance_csv_python_stream,
    attendance_headers,
    csv_stream,
)
from enrollments.models import Attendance

# Rows joined into one chunk of the stream.
COPY_BATCH_ROWS = 1000


# The code points that text matching ``FORMULA_START_PATTERN`` can start with, besides
# the blanks and control characters up to 32: the pattern runs only on such text, as
# ``ascii()`` (the first character's code point) costs far less than a regular expression.
FORMULA_FIRST_CODES = (37, 43, 45, 61, 64, 124, 127, 0x3000, 0xFF0B, 0xFF0D, 0xFF1D, 0xFF20)
BLANKS_UP_TO = 32


class CsvText(Func):
    """A text value as ``spreadsheets._csv_text`` writes it: formula-like text gets a
    leading apostrophe, and empty text is NULL, which ``COPY`` writes as an empty field
    (it would quote an empty string)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        codes = ", ".join(str(code) for code in FORMULA_FIRST_CODES)
        first = f"ascii({sql})"
        neutralised = f"CASE WHEN ({sql}) ~ %s THEN '''' || ({sql}) ELSE ({sql}) END"
        return (
            f"NULLIF(CASE WHEN {first} <= {BLANKS_UP_TO} OR {first} IN ({codes}) "
            f"THEN {neutralised} ELSE ({sql}) END, '')",
            (*params, *params, *params, FORMULA_START_PATTERN, *params, *params, *params),
        )


class LocalTimeText(Func):
    """A timestamp in the named time zone, as ``to_char`` writes it with ``pattern``."""

    output_field = TextField()

    def __init__(self, expression, *, zone: str, pattern: str):
        super().__init__(expression, Value(zone), Value(pattern))

    def as_sql(self, compiler, connection, **extra_context):
        (sql, params), (zone, zone_params), (pattern, pattern_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return (
            f"to_char(({sql}) AT TIME ZONE {zone}, {pattern})",
            (*params, *zone_params, *pattern_params),
        )


def _label_case(field: str, choices) -> Case:
    """The choice's label in the active language; an unknown value as it is stored."""
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=F(field),
        output_field=TextField(),
    )


def attendance_csv_columns(fields: tuple[str, ...]) -> list[Expression]:
    """The SQL of ``spreadsheets._attendance_typed_rows`` and ``_csv_text``, column by
    column, over the field paths of ``selectors.attendance.attendance_export_rows``; it
    reads labels and the time zone from the active language and time zone."""
    (
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
    ) = fields
    zone = timezone.get_current_timezone_name()

    def minute(field: str) -> LocalTimeText:
        return LocalTimeText(F(field), zone=zone, pattern="YYYY-MM-DD HH24:MI")

    return [
        CsvText(F(full_name)),
        CsvText(F(phone)),
        CsvText(F(organization)),
        CsvText(F(course)),
        CsvText(F(session)),
        LocalTimeText(F(starts_at), zone=zone, pattern="YYYY-MM-DD"),
        minute(starts_at),
        minute(ends_at),
        CsvText(F(place)),
        CsvText(_label_case(status, Attendance.Status.choices)),
        CsvText(Cast(F(hours), TextField())),
        minute(checked_in_at),
        CsvText(_label_case(method, Attendance.Method.choices)),
    ]


def copy_csv_chunks(queryset: QuerySet) -> Iterator[tuple[bytes, int]]:
    """A queryset's rows as CSV lines ending in CRLF, from ``COPY ... TO STDOUT``, in
    chunks of up to ``COPY_BATCH_ROWS`` rows, each with its number of rows. PostgreSQL
    sends one message per row, ending in LF: the LF becomes CRLF, the line ending of
    Python's csv module."""
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        statement = raw.mogrify(sql, params)
        with raw.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
            batch = []
            for row in copy:
                batch.append(row[:-1])
                if len(batch) == COPY_BATCH_ROWS:
                    batch.append(b"")
                    yield b"\r\n".join(batch), COPY_BATCH_ROWS
                    batch = []
            if batch:
                rows = len(batch)
                batch.append(b"")
                yield b"\r\n".join(batch), rows


def _attendance_csv_copy_chunks(values: QuerySet, language: str) -> Iterator[tuple[bytes, int]]:
    with override(language):
        headers = attendance_headers()
        formatted = values.values_list(*attendance_csv_columns(values.query.values_select))
    for chunk in csv_stream(headers, []):
        yield chunk, 0
    yield from copy_csv_chunks(formatted)


def attendance_csv_copy_stream(values: QuerySet, *, language: str) -> Iterator[bytes]:
    """The attendance export as CSV bytes formatted by PostgreSQL; ``values`` is
    ``attendance_export_rows``' queryset, whose filters and order it keeps."""
    for chunk, _rows in _attendance_csv_copy_chunks(values, language):
        yield chunk


def copy_available(values: QuerySet) -> bool:
    return connections[values.db].vendor == "postgresql"


def attendance_csv_stream(values: QuerySet, *, language: str) -> Iterator[bytes]:
    """The attendance export as CSV bytes: by ``COPY`` on PostgreSQL, else row by row."""
    if copy_available(values):
        return attendance_csv_copy_stream(values, language=language)
    return attendance_csv_python_stream(values, language=language)


def attendance_csv_write(output, values: QuerySet, *, language: str) -> int:
    """Write the CSV export to a binary file object; returns the number of data rows."""
    if copy_available(values):
        count = 0
        for chunk, rows in _attendance_csv_copy_chunks(values, language):
            output.write(chunk)
            count += rows
        return count
    count = -2  # the byte-order mark and the header line are chunks too
    for chunk in attendance_csv_python_stream(values, language=language):
        output.write(chunk)
        count += 1
    return count
