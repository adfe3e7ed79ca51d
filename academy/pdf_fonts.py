"""The CJK font every PDF of the site embeds."""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

CJK_FONT_NAME = "AcademyCJK"
FALLBACK_CID_FONT = "STSong-Light"


def _font_candidates() -> list[Path]:
    configured = getattr(settings, "CJK_FONT_PATH", None)
    candidates = [Path(configured)] if configured else []
    candidates += [Path(path) for path in settings.CJK_FONT_SEARCH_PATHS]
    return candidates


@cache
def cjk_font_name() -> str:
    """Register and return a TrueType CJK font to embed in PDFs.

    The font comes from ``CJK_FONT_PATH`` or the usual system locations. When
    none is found, ReportLab's built-in STSong-Light is used: it is not
    embedded, so viewers without Adobe's Asian fonts may substitute it.
    """
    for path in _font_candidates():
        if path.is_file():
            try:
                pdfmetrics.registerFont(TTFont(CJK_FONT_NAME, str(path), subfontIndex=0))
            except Exception:  # a font ReportLab cannot embed (e.g. CFF outlines)
                logger.warning("Cannot embed the CJK font %s; trying the next one.", path)
                continue
            return CJK_FONT_NAME
    logger.warning(
        "No embeddable CJK font found (set CJK_FONT_PATH, or install fonts-wqy-zenhei); "
        "PDFs use the non-embedded %s.",
        FALLBACK_CID_FONT,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FALLBACK_CID_FONT


def cjk_font_is_embedded() -> bool:
    return cjk_font_name() == CJK_FONT_NAME
