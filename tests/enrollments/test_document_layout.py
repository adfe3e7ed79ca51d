"""Certificates and hours records break lines between words, never inside a title in
《》 or a name; the hours record names each external training."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from academy.pdf_fonts import cjk_font_name
from enrollments.documents.certificate import (
    CertificateDesign,
    HoursRecordContent,
    HoursRecordLine,
    filled_runs,
    render_certificate,
    render_hours_record,
    sample_certificate_content,
)
from enrollments.documents.layout import TextRun, break_lines, runs_with_titles
from enrollments.models import CertificateTemplate
from enrollments.selectors.certificates import hours_record_lines
from enrollments.services.external_training import external_training_approve
from tests.academy import factories as people
from tests.enrollments import factories as ef
from tests.system_tools import run_system_tool

pytestmark = pytest.mark.django_db

DEMO_TITLE = "社会工作综合能力（初级）精讲"
SIZE = 17


def _default_body() -> str:
    field = CertificateTemplate._meta.get_field("body")
    return field.get_default()


def test_a_title_in_brackets_and_a_whole_run_stay_on_one_line():
    font = cjk_font_name()
    runs = [TextRun("兹证明学员"), TextRun("欧阳晓燕", whole=True)]
    runs += runs_with_titles("完成了《社会工作伦理与价值观》培训，成绩合格。")
    # Every width from the title's own (12 characters of 12 points) to the whole text's.
    for width in range(150, 400, 7):
        lines = break_lines(runs, font=font, size=12, width=width)
        text = "".join(lines)
        assert text == "兹证明学员欧阳晓燕完成了《社会工作伦理与价值观》培训，成绩合格。"
        assert any("《社会工作伦理与价值观》" in line for line in lines), (width, lines)
        assert any("欧阳晓燕" in line for line in lines), (width, lines)
        assert not any(line.startswith(("，", "。", "》")) for line in lines), (width, lines)


def test_a_whole_run_wider_than_a_line_is_broken_rather_than_lost():
    lines = break_lines(
        [TextRun("社会工作" * 10, whole=True)], font=cjk_font_name(), size=12, width=100
    )
    assert len(lines) > 1 and "".join(lines) == "社会工作" * 10


def test_blanks_and_latin_words_break_between_words():
    lines = break_lines(
        runs_with_titles("Completed the course Social Work Ethics with merit"),
        font=cjk_font_name(),
        size=12,
        width=120,
    )
    assert " ".join(lines) == "Completed the course Social Work Ethics with merit"
    words = ["Completed", "the", "course", "Social", "Work", "Ethics", "with", "merit"]
    assert len(lines) > 1
    assert all(word in words for line in lines for word in line.split())


def _plain_cjk_lines(text: str, width: float, tmp_path) -> list[str]:
    """The lines ReportLab's own CJK wrapping makes of ``text``, as pdftotext reads them."""
    from reportlab.pdfgen.canvas import Canvas

    style = ParagraphStyle(
        "p", fontName=cjk_font_name(), fontSize=SIZE, leading=30, firstLineIndent=34
    )
    style.wordWrap = "CJK"
    path = tmp_path / "plain.pdf"
    canvas = Canvas(str(path), pagesize=(width + 40, 600))
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrapOn(canvas, width, 600)
    paragraph.drawOn(canvas, 20, 580 - height)
    canvas.save()
    output = run_system_tool("pdftotext", "-layout", str(path), "-", package="poppler-utils")
    return output.splitlines()


@pytest.mark.parametrize("holder_name", ["李明", "欧阳晓燕", "司马相如文"])
def test_pdftotext_shows_the_course_title_of_a_certificate_unbroken(holder_name, tmp_path):
    content = replace(
        sample_certificate_content(), holder_name=holder_name, course_title=DEMO_TITLE
    )
    design = CertificateDesign(title="结业证书", body=_default_body())
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(content, design))

    text = run_system_tool("pdftotext", "-layout", str(path), "-", package="poppler-utils")
    assert any(f"《{DEMO_TITLE}》" in line for line in text.splitlines()), text
    assert any(holder_name in line and "同志" in line for line in text.splitlines()), text


def test_some_certificate_body_would_break_the_title_without_the_line_breaking(tmp_path):
    """The widths and names above are ones where ReportLab's own CJK wrapping splits the
    title: the test above would fail without the whole-title line breaking."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm

    width = landscape(A4)[0] - 80 * mm
    split = []
    for holder_name in ["李明", "欧阳晓燕", "司马相如文"]:
        values = {
            "name": holder_name,
            "course": DEMO_TITLE,
            "track": "新人培育",
            "hours": "12.5",
            "date": "2026年6月30日",
            "serial": "GC-2026-N-00001",
        }
        text = "".join(run.text for run in filled_runs(_default_body(), values))
        lines = _plain_cjk_lines(text, width, tmp_path)
        split.append(not any(f"《{DEMO_TITLE}》" in line for line in lines))
    assert any(split)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return run_system_tool("pdftotext", "-layout", str(path), "-", package="poppler-utils")


def test_the_hours_record_keeps_the_holder_and_titles_whole(tmp_path):
    content = HoursRecordContent(
        academy_name="深圳市福田区社会工作学院",
        holder_name="欧阳晓燕",
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
        issued_on=date(2026, 7, 1),
        verification_url="https://academy.example/hours/verify/x/",
        qualification="社会工作师",
        lines=[
            HoursRecordLine(
                "儿童保护个案管理实务工作坊（第二期）",
                date(2025, 3, 1),
                date(2025, 3, 2),
                Decimal("6"),
                provider="深圳市社会工作者协会",
            )
        ],
    )
    text = _pdf_text(render_hours_record(content), tmp_path)
    lines = text.splitlines()
    for whole in ("欧阳晓燕", "深圳市福田区社会工作学院", "儿童保护个案管理实务工作坊（第二期）"):
        assert any(whole in line for line in lines), (whole, text)
    assert any("举办单位：深圳市社会工作者协会" in line for line in lines), text


def test_the_hours_record_lists_each_external_training_with_provider_and_date(admin_user, tmp_path):
    trainee = people.trainee(full_name="曾小凡")
    enrollment = ef.completed_enrollment(user=trainee, hours=Decimal("4"))
    training = ef.external_training(
        user=trainee, title="儿童保护实务工作坊", hours="6", day=date(2025, 5, 20)
    )
    external_training_approve(training_id=training.pk, actor=admin_user)
    other = ef.external_training(
        user=trainee, title="社区矫正专题研讨", hours="2", day=date(2025, 9, 3)
    )
    external_training_approve(training_id=other.pk, actor=admin_user)

    lines = hours_record_lines(
        user=trainee, period_start=date(2020, 1, 1), period_end=date(2030, 12, 31)
    )

    external = [line for line in lines if line.provider]
    assert [
        (line.course_title, line.provider, line.first_date, line.last_date, line.hours)
        for line in external
    ] == [
        ("儿童保护实务工作坊", "协会", date(2025, 5, 20), date(2025, 5, 20), Decimal("6")),
        ("社区矫正专题研讨", "协会", date(2025, 9, 3), date(2025, 9, 3), Decimal("2")),
    ]
    assert [line.course_title for line in lines if not line.provider] == [enrollment.course.title]
    content = HoursRecordContent(
        academy_name="社工学院",
        holder_name=trainee.full_name,
        period_start=date(2020, 1, 1),
        period_end=date(2030, 12, 31),
        issued_on=date(2026, 7, 1),
        verification_url="https://academy.example/hours/verify/x/",
        lines=lines,
    )
    text = _pdf_text(render_hours_record(content), tmp_path)
    assert "外部培训" not in text
    assert "儿童保护实务工作坊" in text and "举办单位：协会" in text and "2025-05-20" in text
