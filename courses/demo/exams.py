"""Demo question banks and mock exams; safe to run again.

The questions are data: ``questions/<subject>_<level>.csv`` in the documented import
format, loaded through the same import as an administrator's upload. Each bank gets a
mock exam on its exam-prep course, built from its national paper's defaults as the admin's
one click builds it; where the bank is too small for the national paper, the exam keeps
the paper's sections with fewer questions, a pass mark and time limit in proportion, and
says so in its instructions.
"""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction

from academy.models import QualificationLevel
from courses.exam_blueprints import exam_sections_from_paper
from courses.models import CoursePage, Exam, ExamPaper, NationalPaper, Question, QuestionBank
from courses.question_files import question_rows_import

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"


@dataclass(frozen=True)
class DemoBank:
    subject: str
    level: str
    file_name: str
    course_slug: str
    required_for_completion: bool


DEMO_BANKS = [
    DemoBank(
        ExamPaper.COMPREHENSIVE,
        QualificationLevel.ASSISTANT,
        "comprehensive_assistant.csv",
        "comprehensive",
        required_for_completion=True,
    ),
    DemoBank(
        ExamPaper.PRACTICE,
        QualificationLevel.ASSISTANT,
        "practice_assistant.csv",
        "practice-assistant",
        required_for_completion=False,
    ),
]


def demo_question_rows(file_name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (the header is row 1) of a demo question file."""
    with (QUESTIONS_DIR / file_name).open(encoding="utf-8", newline="") as data:
        rows = list(csv.reader(data))
    return rows[0], list(enumerate(rows[1:], start=2))


def _bank_seed(paper: NationalPaper, entry: DemoBank) -> QuestionBank:
    bank = QuestionBank.objects.filter(paper=paper, name=paper.name).first()
    if bank is None:
        bank = QuestionBank.objects.create(
            paper=paper, name=paper.name, description=f"{paper.name}的示例题库。"
        )
    if not Question.objects.filter(bank=bank).exists():
        headers, rows = demo_question_rows(entry.file_name)
        question_rows_import(bank=bank, headers=headers, rows=rows)
    return bank


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _sections_fit(*, exam: Exam, bank: QuestionBank) -> bool:
    """Cut each section the bank cannot fill down to a round number of the questions in
    use of its type that the bank has; whether every section kept its count."""
    whole = True
    for section in exam.sections.order_by("sort_order"):
        available = Question.objects.filter(
            bank=bank, question_type=section.question_type, is_active=True
        ).count()
        if available < section.count:
            # A round number leaves room to draw a different paper per attempt.
            section.count = available // 5 * 5 or available
            section.save(update_fields=["count"])
            whole = False
    return whole


def _mock_exam_seed(
    paper: NationalPaper, bank: QuestionBank, course: CoursePage, entry: DemoBank
) -> Exam:
    exam = Exam.objects.filter(course=course, bank=bank, kind=Exam.Kind.MOCK).first()
    if exam is not None:
        return exam
    exam = Exam.objects.create(
        course=course,
        title=f"{paper.name}模拟考试",
        kind=Exam.Kind.MOCK,
        bank=bank,
        paper=paper,
        show_answers=Exam.ShowAnswers.AFTER_SUBMISSION,
        required_for_completion=entry.required_for_completion,
        is_published=True,
    )
    exam_sections_from_paper(exam=exam, paper=paper)
    if _sections_fit(exam=exam, bank=bank):
        exam.instructions = (
            f"按全国社会工作者职业水平考试《{paper.name}》的题型、题量和分值组卷，"
            f"满分{_number(paper.total_points)}分，{_number(paper.pass_mark)}分及格，"
            f"限时{paper.duration_minutes}分钟。"
        )
    else:
        sections = list(exam.sections.order_by("sort_order"))
        total = sum((section.points * section.count for section in sections), Decimal(0))
        share = total / paper.total_points
        exam.pass_mark = (paper.pass_mark * share).quantize(Decimal("0.1"), ROUND_HALF_UP)
        exam.time_limit_minutes = int(
            (paper.duration_minutes * share).to_integral_value(ROUND_HALF_UP)
        )
        exam.title = f"{paper.name}模拟考试（小题量）"
        counts = "，".join(f"{section.title}{section.count}道" for section in sections)
        exam.instructions = (
            f"示例题库的题目还不够一套完整的《{paper.name}》试卷，本次模拟考试按全国考试的"
            f"题型和分值缩小题量：{counts}，满分{_number(total)}分，"
            f"{_number(exam.pass_mark)}分及格，"
            f"限时{exam.time_limit_minutes}分钟。"
        )
    exam.save()
    return exam


@transaction.atomic
def seed_question_banks() -> None:
    """The demo banks, with a mock exam each on its exam-prep course."""
    for entry in DEMO_BANKS:
        paper = NationalPaper.objects.filter(subject=entry.subject, level=entry.level).first()
        course = CoursePage.objects.filter(slug=entry.course_slug).first()
        if paper is None or course is None:
            continue
        bank = _bank_seed(paper, entry)
        _mock_exam_seed(paper, bank, course, entry)
