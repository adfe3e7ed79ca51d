"""Readers for uploaded spreadsheets: the first sheet of an XLSX file, or CSV text."""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from academy.errors import RuleViolation


@dataclass
class UploadedSheet:
    """An uploaded file's header and rows of text, each with its row number in the
    file, kept in the session between the preview and the import."""

    headers: list[str]
    # (spreadsheet row number, cells)
    rows: list[tuple[int, list[str]]]

    def as_data(self) -> dict:
        return {"headers": self.headers, "rows": self.rows}

    @classmethod
    def from_data(cls, data: dict) -> "UploadedSheet":
        return cls(headers=list(data["headers"]), rows=[(n, list(c)) for n, c in data["rows"]])


def xlsx_rows_read(*, content: bytes, max_rows: int) -> list[list]:
    """The first sheet's rows as cell values, at most ``max_rows``; a file that is no
    workbook is refused with ``unreadable``."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise RuleViolation(_("The XLSX file could not be read."), code="unreadable") from error
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=max_rows)]
    finally:
        workbook.close()


def csv_rows_read(*, content: bytes, encodings: tuple[str, ...]) -> list[list[str]]:
    """CSV rows from text in the first of ``encodings`` that decodes it."""
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text)))
    raise RuleViolation(_("The file is not a UTF-8 or GB18030 text file."), code="bad_encoding")
