"""The printable sign-in sheet (签到表) of a session: A4 portrait, CJK font embedded."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from academy.pdf_fonts import cjk_font_name
from enrollments.documents.layout import a4_portrait_document


def signin_sheet_pdf(*, session, roster: list[dict]) -> bytes:
    font = cjk_font_name()
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    meta_style = ParagraphStyle("meta", fontName=font, fontSize=10, leading=15)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=10, leading=13)

    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    place = session.place or session.meeting_url or "—"
    title = _("Sign-in sheet")
    course_label, session_label, place_label = _("Course"), _("Session"), _("Place")
    time_label, hours_label = _("Time"), _("Class-hours")
    story = [
        Paragraph(title, title_style),
        Spacer(1, 4 * mm),
        Paragraph(escape(f"{course_label}: {session.course.title}"), meta_style),
        Paragraph(escape(f"{session_label}: {session.title}"), meta_style),
        Paragraph(
            f"{time_label}: {starts:%Y-%m-%d %H:%M} – {ends:%H:%M}"
            f"　{hours_label}: {session.class_hours}",
            meta_style,
        ),
        Paragraph(escape(f"{place_label}: {place}"), meta_style),
        Spacer(1, 4 * mm),
    ]
    rows = [
        [
            _("No."),
            pgettext("person", "Name"),
            _("Organisation"),
            _("Phone (last 4)"),
            _("Signature"),
        ]
    ]
    for number, entry in enumerate(roster, start=1):
        rows.append(
            [
                str(number),
                Paragraph(escape(entry["user"].full_name), cell_style),
                Paragraph(escape(str(entry["organization"] or "")), cell_style),
                entry["phone_tail"],
                "",
            ]
        )
    table = Table(
        rows,
        colWidths=[12 * mm, 32 * mm, 62 * mm, 24 * mm, 50 * mm],
        repeatRows=1,
        rowHeights=[9 * mm] + [11 * mm] * (len(rows) - 1),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ]
        )
    )
    story.append(table)
    buffer = BytesIO()
    document = a4_portrait_document(
        buffer, margin=15 * mm, title=f"{title} · {session.course.title} · {session.title}"
    )
    document.build(story)
    return buffer.getvalue()
