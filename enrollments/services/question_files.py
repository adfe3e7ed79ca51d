"""Question files: reading an uploaded XLSX or CSV (UTF-8 or GB18030) into rows for the
question import, and writing a bank, or the empty template, as a spreadsheet.

The rows' meaning (columns, types, answers, the checks and the write) is the courses
app's ``courses.question_files``; here are only the files.
"""

from collections.abc import Iterator

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from courses.models import QuestionBank
from courses.question_files import HEADERS, QUESTION_FILE_MAX_ROWS, question_rows_export
from enrollments.documents.reading import UploadedSheet, csv_rows_read, xlsx_rows_read
from enrollments.documents.spreadsheets import (
    ColumnKind,
    SheetColumn,
    csv_stream,
    xlsx_book,
    xlsx_sheet_write,
)

QUESTION_FILE_MAX_BYTES = 5 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
COLUMN_KINDS = [
    ColumnKind.TEXT,
    ColumnKind.TITLE,
    ColumnKind.TEXT,
    ColumnKind.LONG_TEXT,
    *[ColumnKind.TITLE] * 5,
    ColumnKind.TEXT,
    ColumnKind.LONG_TEXT,
    ColumnKind.TEXT,
    ColumnKind.LONG_TEXT,
]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Reference points are one per line; spreadsheets may save line ends as CR LF.
    return str(value).replace("\r\n", "\n").strip()


def question_file_read(*, upload: UploadedFile) -> UploadedSheet:
    """Read an uploaded XLSX or CSV file into rows of text, with their row numbers."""
    if upload.size is not None and upload.size > QUESTION_FILE_MAX_BYTES:
        raise RuleViolation(_("The question file must be 5 MB or smaller."), code="too_large")
    name = (upload.name or "").lower()
    upload.seek(0)
    content = upload.read()
    if name.endswith(".xlsx") and content.startswith(b"PK\x03\x04"):
        raw_rows = xlsx_rows_read(content=content, max_rows=QUESTION_FILE_MAX_ROWS + 2)
    elif name.endswith(".csv") and b"\x00" not in content[:1024]:
        raw_rows = csv_rows_read(content=content, encodings=CSV_ENCODINGS)
    else:
        raise RuleViolation(_("Upload the questions as an XLSX or CSV file."), code="bad_type")
    if not raw_rows:
        raise RuleViolation(_("The question file is empty."), code="empty")
    headers = [_cell_text(cell) for cell in raw_rows[0]]
    rows = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        texts = [_cell_text(cell) for cell in cells]
        if any(texts):
            rows.append((number, texts))
    if len(rows) > QUESTION_FILE_MAX_ROWS:
        raise RuleViolation(
            _("A question file can have at most %(count)d rows.")
            % {"count": QUESTION_FILE_MAX_ROWS},
            code="too_many_rows",
        )
    return UploadedSheet(headers=headers, rows=rows)


def _columns() -> list[SheetColumn]:
    return [SheetColumn(header, kind) for header, kind in zip(HEADERS, COLUMN_KINDS, strict=True)]


def _guide_rows() -> list[list[str]]:
    return [
        [
            "题型",
            _("单选, 多选, 多选（全对得分）, 判断, 案例分析, or 小题 (a case's sub-question)."),
        ],
        ["知识点", _("The topic path, levels separated by “ / ”.")],
        ["难度", _("易, 中 or 难.")],
        ["题干", _("The question text; for 案例分析 the case, for 小题 the sub-question.")],
        ["选项A-E", _("单选: four options A-D. 多选: five options A-E. Empty otherwise.")],
        ["答案", _("单选: one letter. 多选: two or more letters, e.g. ACD. 判断: 对 or 错.")],
        ["解析", _("The explanation shown after answering.")],
        ["分值", _("小题 only: the sub-question's points.")],
        ["参考要点", _("小题 only: one reference point a line, as “point|points”.")],
    ]


def question_template_write(*, output) -> int:
    """The empty layout to fill in, with a second sheet saying what each column takes."""
    with xlsx_book(output) as workbook:
        xlsx_sheet_write(workbook, title=_("Questions"), columns=_columns(), rows=[])
        xlsx_sheet_write(
            workbook,
            title=_("How to fill in"),
            columns=[
                SheetColumn(_("Column"), ColumnKind.TEXT),
                SheetColumn(_("What it takes"), ColumnKind.LONG_TEXT),
            ],
            rows=_guide_rows(),
        )
    return 0


def question_bank_xlsx_write(*, output, bank: QuestionBank) -> int:
    """The bank in the import's layout: a file that imports back into an empty bank as
    the same questions. Returns the number of rows."""
    with xlsx_book(output) as workbook:
        return xlsx_sheet_write(
            workbook, title=bank.name, columns=_columns(), rows=question_rows_export(bank=bank)
        )


def question_bank_csv_stream(*, bank: QuestionBank) -> Iterator[bytes]:
    return csv_stream(list(HEADERS), question_rows_export(bank=bank))
