"""Page set-up shared by the flowing PDF documents (hours record, sign-in sheet), and
line breaking that keeps titles and names whole (certificates, hours records)."""

import re
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate


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


@dataclass(frozen=True)
class TextRun:
    """A piece of a paragraph's text; a ``whole`` run (a title, a name, a date) is never
    broken across lines unless it alone is wider than a line."""

    text: str
    whole: bool = False


# Punctuation that may not start a line, and brackets that may not end one: they stay
# with their neighbour, so 《 and 》 stay with the title they enclose.
CANNOT_START = frozenset("，。、；：？！）》」』”’…%,.;:?!)]")
CANNOT_END = frozenset("（《「『“‘([")
# In plain text: a line break, blanks, a word of Latin letters or digits, one character.
ATOM = re.compile(r"\n|[ \t\u3000]+|[A-Za-z0-9][A-Za-z0-9.@_/:+\-]*|.")
TITLE = re.compile(r"《[^《》\n]*》")
# Room left at each line's end so that ReportLab's own wrapping never splits it again.
SLACK = 1.0


def runs_with_titles(text: str) -> list[TextRun]:
    """Plain text with each 《title》 in it kept whole."""
    runs, position = [], 0
    for match in TITLE.finditer(text):
        if match.start() > position:
            runs.append(TextRun(text[position : match.start()]))
        runs.append(TextRun(match.group(), whole=True))
        position = match.end()
    if position < len(text):
        runs.append(TextRun(text[position:]))
    return runs


def _atoms(runs: list[TextRun]) -> list[str]:
    atoms: list[str] = []
    for run in runs:
        if run.whole and run.text:
            atoms.append(run.text)
        else:
            atoms.extend(ATOM.findall(run.text))
    glued: list[str] = []
    for atom in atoms:
        if glued and glued[-1] != "\n" and atom != "\n":
            previous = glued[-1]
            if atom[0] in CANNOT_START or previous[-1] in CANNOT_END:
                glued[-1] = previous + atom
                continue
        glued.append(atom)
    return glued


def break_lines(
    runs: list[TextRun], *, font: str, size: float, width: float, first_line_indent: float = 0
) -> list[str]:
    """The lines a paragraph of ``runs`` fills at ``width`` points, broken between atoms:
    between CJK characters, at blanks, never inside a whole run or before a closing mark."""

    def measure(text: str) -> float:
        return stringWidth(text, font, size)

    lines: list[str] = []
    line = ""
    room = width - first_line_indent - SLACK

    def end_line():
        nonlocal line, room
        lines.append(line.rstrip())
        line, room = "", width - SLACK

    for atom in _atoms(runs):
        if atom == "\n":
            end_line()
            continue
        if not line and atom.isspace() and lines:
            continue
        if measure(line + atom) <= room:
            line += atom
            continue
        if atom.isspace():
            end_line()
            continue
        if line.strip():
            end_line()
            atom = atom.lstrip()
        for character in atom if measure(atom) > room else [atom]:
            if line and measure(line + character) > room:
                end_line()
            line += character
    if line or not lines:
        lines.append(line.rstrip())
    return lines


class UnbrokenParagraph(Flowable):
    """A paragraph broken into lines by ``break_lines`` for the width it is given."""

    def __init__(self, runs: list[TextRun], style: ParagraphStyle):
        super().__init__()
        self.runs = runs
        self.style = style
        self._paragraph: Paragraph | None = None

    def _laid_out(self, width: float) -> Paragraph:
        style = self.style
        lines = break_lines(
            self.runs,
            font=style.fontName,
            size=style.fontSize,
            width=width - style.leftIndent - style.rightIndent,
            first_line_indent=style.firstLineIndent,
        )
        return Paragraph("<br/>".join(escape(line) for line in lines), style)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        self._paragraph = self._laid_out(availWidth)
        return self._paragraph.wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        return self._laid_out(availWidth).split(availWidth, availHeight)

    def draw(self):
        assert self._paragraph is not None
        self._paragraph.drawOn(self.canv, 0, 0)
