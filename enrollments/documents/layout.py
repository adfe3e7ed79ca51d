"""Page set-up shared by the flowing PDF documents (hours record, sign-in sheet)."""

from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate


def a4_portrait_document(output: BinaryIO, *, margin: float, **info) -> SimpleDocTemplate:
    """An A4 portrait document with the same ``margin`` on every side; ``info`` is the
    PDF's title and author."""
    return SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        **info,
    )
