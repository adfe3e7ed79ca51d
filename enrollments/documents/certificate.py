"""Drawing certificates and hours records as PDF with ReportLab (no database access here)."""

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from io import BytesIO

import segno
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from academy.pdf_fonts import cjk_font_name
from enrollments.documents.layout import (
    TextRun,
    UnbrokenParagraph,
    a4_portrait_document,
    runs_with_titles,
)

PLACEHOLDER = re.compile(r"\{(name|course|track|hours|date|serial)\}")
SEAL_RED = colors.HexColor("#c8102e")
INK = colors.HexColor("#1f2933")
GOLD = colors.HexColor("#b08d3c")

LABELS = {
    "zh-hans": {
        "serial": "证书编号",
        "hours": "学时",
        "date": "结业日期",
        "verify": "扫码验证真伪",
        "signatory": "签发",
        "holder": "姓名",
        "course": "课程",
        "track": "课程体系",
        "issued": "发证日期",
    },
    "en": {
        "serial": "Serial number",
        "hours": "Class-hours",
        "date": "Completed",
        "verify": "Scan to verify",
        "signatory": "Signed",
        "holder": "Name",
        "course": "Course",
        "track": "Track",
        "issued": "Issued",
    },
}


@dataclass(frozen=True)
class CertificateDesign:
    title: str
    body: str
    language: str = "zh-hans"
    signatory_name: str = ""
    signatory_title: str = ""
    seal: bytes | None = None
    background: bytes | None = None


@dataclass(frozen=True)
class CertificateContent:
    academy_name: str
    holder_name: str
    course_title: str
    track_name: str
    hours: Decimal
    completed_on: date
    issued_on: date
    serial_number: str
    verification_url: str


@dataclass(frozen=True)
class HoursRecordLine:
    """A course, or an external training with its ``provider``, and the hours it gave."""

    course_title: str
    first_date: date
    last_date: date
    hours: Decimal
    provider: str = ""


@dataclass(frozen=True)
class HoursRecordContent:
    academy_name: str
    holder_name: str
    period_start: date
    period_end: date
    issued_on: date
    verification_url: str
    qualification: str = ""
    lines: list[HoursRecordLine] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal("0"))


def format_hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}" if hours == hours.to_integral() else f"{hours:.1f}"


def format_date(value: date, language: str) -> str:
    if language == "zh-hans":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace {name}, {course}… without str.format, so a template cannot reach attributes."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def filled_runs(text: str, values: dict[str, str]) -> list[TextRun]:
    """The text with its placeholders filled, each value (a name, a title, a date) and each
    《title》 written in the text kept whole when the lines are broken."""
    runs: list[TextRun] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        runs += runs_with_titles(text[position : match.start()])
        runs.append(TextRun(values[match.group(1)], whole=True))
        position = match.end()
    return runs + runs_with_titles(text[position:])


QR_BORDER = 4  # modules of quiet zone around the code, as ReportLab's widget leaves


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` in the square of ``size`` at (x, y): its dark modules, each
    row's runs joined, filled as one path (ReportLab's widget makes the code twice and a
    shape object per run). Encoded by segno, at error level M or higher where the same
    size allows, with the mask chosen by the standard's penalty rules."""
    code = segno.make_qr(url, error="m")
    matrix = code.matrix
    count = len(matrix)
    box = size / (count + 2 * QR_BORDER)
    path = canvas.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + QR_BORDER + 1) * box
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (column + QR_BORDER) * box, top, length * box, box)
            column += length
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


@lru_cache(maxsize=16)
def _image(data: bytes) -> ImageReader:
    """An uploaded seal or background, decoded once per process."""
    return ImageReader(BytesIO(data))


def qr_drawing(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _draw_default_seal(canvas: Canvas, cx: float, cy: float, radius: float, name: str, font):
    """A red round seal with the academy's name, used when no seal image is uploaded."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(2.5)
    canvas.circle(cx, cy, radius, stroke=1, fill=0)
    star = radius * 0.28
    path = canvas.beginPath()
    for index in range(10):
        angle = math.pi / 2 + index * math.pi / 5
        length = star if index % 2 == 0 else star * 0.4
        point = (cx + length * math.cos(angle), cy + length * math.sin(angle))
        if index == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    characters = list(name)[:14]
    if characters:
        spread = math.radians(min(220, 18 * len(characters)))
        start = math.pi / 2 + spread / 2
        step = spread / max(len(characters) - 1, 1)
        font_size = radius * 0.22
        canvas.setFont(font, font_size)
        for index, character in enumerate(characters):
            angle = start - index * step
            canvas.saveState()
            canvas.translate(
                cx + (radius - font_size * 1.1) * math.cos(angle),
                cy + (radius - font_size * 1.1) * math.sin(angle),
            )
            canvas.rotate(math.degrees(angle) - 90)
            canvas.drawCentredString(0, -font_size / 3, character)
            canvas.restoreState()
    canvas.restoreState()


def render_certificate(content: CertificateContent, design: CertificateDesign) -> bytes:
    """The certificate as PDF bytes: A4 landscape, CJK font embedded, QR to its check page."""
    font = cjk_font_name()
    labels = LABELS.get(design.language, LABELS["zh-hans"])
    width, height = landscape(A4)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"{design.title} {content.serial_number}")
    canvas.setAuthor(content.academy_name)
    canvas.setSubject(content.course_title)

    if design.background:
        canvas.drawImage(_image(design.background), 0, 0, width, height, mask="auto")
    else:
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(4)
        canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        canvas.setLineWidth(1)
        canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    canvas.setFillColor(INK)
    canvas.setFont(font, 15)
    canvas.drawCentredString(width / 2, height - 36 * mm, content.academy_name)
    canvas.setFont(font, 38)
    canvas.setFillColor(SEAL_RED)
    canvas.drawCentredString(width / 2, height - 56 * mm, design.title)

    values = {
        "name": content.holder_name,
        "course": content.course_title,
        "track": content.track_name,
        "hours": format_hours(content.hours),
        "date": format_date(content.completed_on, design.language),
        "serial": content.serial_number,
    }
    body_style = ParagraphStyle(
        "certificate-body",
        fontName=font,
        fontSize=17,
        leading=30,
        textColor=INK,
        firstLineIndent=34 if design.language == "zh-hans" else 0,
        wordWrap="CJK",
    )
    text_width = width - 80 * mm
    y = height - 72 * mm
    for paragraph_text in re.split(r"\n\s*\n", design.body.strip()):
        paragraph = UnbrokenParagraph(filled_runs(paragraph_text, values), body_style)
        _w, paragraph_height = paragraph.wrapOn(canvas, text_width, height)
        y -= paragraph_height
        paragraph.drawOn(canvas, 40 * mm, y)
        y -= 6

    detail_style = ParagraphStyle("certificate-detail", fontName=font, fontSize=11, textColor=INK)
    details = [
        (labels["holder"], content.holder_name),
        (labels["course"], content.course_title),
        (labels["track"], content.track_name),
        (labels["hours"], format_hours(content.hours)),
        (labels["date"], format_date(content.completed_on, design.language)),
    ]
    detail_y = 62 * mm
    for label, value in details:
        paragraph = UnbrokenParagraph(
            [TextRun(f"{label}："), TextRun(value, whole=True)], detail_style
        )
        paragraph.wrapOn(canvas, 120 * mm, 20 * mm)
        paragraph.drawOn(canvas, 72 * mm, detail_y)
        detail_y -= 6 * mm

    qr_size = 34 * mm
    draw_qr(canvas, content.verification_url, 28 * mm, 26 * mm, qr_size)
    canvas.setFont(font, 9)
    canvas.setFillColor(INK)
    canvas.drawCentredString(28 * mm + qr_size / 2, 22 * mm, labels["verify"])

    canvas.setFont(font, 12)
    canvas.drawString(72 * mm, 28 * mm, f"{labels['serial']}：{content.serial_number}")

    right = width - 40 * mm
    seal_radius = 21 * mm
    seal_cx, seal_cy = right - 30 * mm, 48 * mm
    if design.seal:
        canvas.drawImage(
            _image(design.seal),
            seal_cx - seal_radius,
            seal_cy - seal_radius,
            2 * seal_radius,
            2 * seal_radius,
            mask="auto",
            preserveAspectRatio=True,
        )
    else:
        _draw_default_seal(canvas, seal_cx, seal_cy, seal_radius, content.academy_name, font)
    canvas.setFillColor(INK)
    canvas.setFont(font, 13)
    if design.signatory_name:
        signed = f"{labels['signatory']}：{design.signatory_title} {design.signatory_name}".strip()
        canvas.drawRightString(right, 40 * mm, signed)
    canvas.drawRightString(right, 32 * mm, content.academy_name)
    canvas.drawRightString(right, 25 * mm, format_date(content.issued_on, design.language))

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_hours_record(content: HoursRecordContent) -> bytes:
    """The continuing-education hours record (继续教育学时证明) as A4 portrait PDF bytes."""
    font = cjk_font_name()
    buffer = BytesIO()
    document = a4_portrait_document(
        buffer, margin=20 * mm, title="继续教育学时证明", author=content.academy_name
    )
    title = ParagraphStyle("t", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER)
    text = ParagraphStyle("p", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    intro = [
        TextRun("兹证明 "),
        TextRun(content.holder_name, whole=True),
        *([TextRun(f"（{content.qualification}）", whole=True)] if content.qualification else []),
        TextRun(" 于 "),
        TextRun(format_date(content.period_start, "zh-hans"), whole=True),
        TextRun(" 至 "),
        TextRun(format_date(content.period_end, "zh-hans"), whole=True),
        TextRun(" 在"),
        TextRun(content.academy_name, whole=True),
        TextRun("参加继续教育培训，累计取得 "),
        TextRun(format_hours(content.total_hours), whole=True),
        TextRun(" 学时，明细如下。"),
    ]
    rows: list[list] = [
        [Paragraph(h, cell) for h in ("课程或培训", "起始日期", "结束日期", "学时")]
    ]
    for line in content.lines:
        runs = [TextRun(line.course_title, whole=True)]
        if line.provider:
            runs += [TextRun("\n"), TextRun("举办单位："), TextRun(line.provider, whole=True)]
        rows.append(
            [
                UnbrokenParagraph(runs, cell),
                line.first_date.isoformat(),
                line.last_date.isoformat(),
                format_hours(line.hours),
            ]
        )
    rows.append([Paragraph("合计", cell), "", "", format_hours(content.total_hours)])
    table = Table(rows, colWidths=[90 * mm, 28 * mm, 28 * mm, 24 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, INK),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1ebdc")),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    qr = qr_drawing(content.verification_url, 30 * mm)
    footer = Table(
        [
            [
                qr,
                Paragraph(
                    f"{content.academy_name}<br/>{format_date(content.issued_on, 'zh-hans')}"
                    "<br/>扫描二维码核验本证明",
                    text,
                ),
            ]
        ],
        colWidths=[36 * mm, 134 * mm],
    )
    story = [
        Paragraph("继续教育学时证明", title),
        Spacer(1, 8 * mm),
        UnbrokenParagraph(intro, text),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 10 * mm),
        footer,
    ]
    document.build(story)
    return buffer.getvalue()


def sample_certificate_content(serial: str = "GC-2026-N-00001") -> CertificateContent:
    return CertificateContent(
        academy_name="社工学院",
        holder_name="欧阳晓燕",
        course_title="社会工作伦理与价值观",
        track_name="新人培育",
        hours=Decimal("12.5"),
        completed_on=date(2026, 6, 30),
        issued_on=date(2026, 7, 1),
        serial_number=serial,
        verification_url="https://academy.example/certificates/verify/sample/",
    )
