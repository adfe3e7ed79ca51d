"""The one spreadsheet download of the admin's views."""

import tempfile
from collections.abc import Callable

from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(filename: str, write: Callable[..., object], **arguments) -> FileResponse:
    """Send the spreadsheet that ``write(output=..., **arguments)`` writes to a scratch file."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write(output=output, **arguments)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
