"""Demo question banks and mock exams; safe to run again.

The questions are data: ``questions/<subject>_<level>.csv`` in the documented import
format (see the README's exam-preparation section). Each bank gets a mock exam on its
exam-prep course, built from its national paper's defaults as the admin's one click builds
it; where the bank is too small for the national paper, the exam keeps the paper's
sections with fewer questions, a pass mark and time limit in proportion, and says so in
its instructions.
"""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction

from academy.models import QualificationLevel
from courses.exam_blueprints import exam_sections_from_paper
from courses.models import (
    CaseSubQuestion,
    CoursePage,
    Difficulty,
    Exam,
    ExamPaper,
    MultipleChoiceScoring,
    NationalPaper,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionTopic,
    QuestionType,
)
from courses.models.questions import OPTION_KEYS

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"

TYPES = {
    "单选": (QuestionType.SINGLE, MultipleChoiceScoring.NATIONAL),
    "多选": (QuestionType.MULTIPLE, MultipleChoiceScoring.NATIONAL),
    "多选（全对得分）": (QuestionType.MULTIPLE, MultipleChoiceScoring.ALL_OR_NOTHING),
    "判断": (QuestionType.TRUE_FALSE, MultipleChoiceScoring.NATIONAL),
    "案例分析": (QuestionType.CASE, MultipleChoiceScoring.NATIONAL),
}
DIFFICULTIES = {"易": Difficulty.EASY, "中": Difficulty.MEDIUM, "难": Difficulty.HARD}
SUB_QUESTION = "小题"


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


def _topic(*, bank: QuestionBank, path: str, topics: dict[str, QuestionTopic]) -> QuestionTopic:
    parent: QuestionTopic | None = None
    names = [name.strip() for name in path.split("/")]
    for depth in range(1, len(names) + 1):
        prefix = QuestionTopic.PATH_SEPARATOR.join(names[:depth])
        if prefix not in topics:
            topics[prefix] = QuestionTopic.objects.create(
                bank=bank, parent=parent, name=names[depth - 1], path=prefix, position=len(topics)
            )
        parent = topics[prefix]
    return topics[QuestionTopic.PATH_SEPARATOR.join(names)]


def demo_questions_load(*, bank: QuestionBank, headers: list[str], rows) -> int:
    """Write a demo file's questions into the bank by the import template's rules; how
    many. The tests check the files against those rules, so a bad row is a bug here."""
    column = {name: index for index, name in enumerate(headers)}
    topics = {topic.path: topic for topic in QuestionTopic.objects.filter(bank=bank)}
    case: Question | None = None
    created = 0
    for number, cells in rows:
        cell = {name: cells[index].strip() for name, index in column.items()}
        if cell["题型"] == SUB_QUESTION:
            if case is None:
                raise ValueError(f"row {number}: a 小题 row must follow its 案例分析 row")
            CaseSubQuestion.objects.create(
                question=case,
                sort_order=case.sub_questions.count(),
                prompt=cell["题干"],
                points=Decimal(cell["分值"]),
                reference_points=cell["参考要点"],
            )
            continue
        question_type, scoring = TYPES[cell["题型"]]
        question = Question(
            bank=bank,
            topic=_topic(bank=bank, path=cell["知识点"], topics=topics),
            question_type=question_type,
            scoring=scoring,
            difficulty=DIFFICULTIES[cell["难度"]],
            stem=cell["题干"],
            explanation=cell["解析"],
        )
        if question_type == QuestionType.TRUE_FALSE:
            question.true_false_answer = cell["答案"] == "对"
        if question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            texts = [cell[f"选项{key}"] for key in "ABCDE" if cell[f"选项{key}"]]
            question.options = [
                QuestionOption(
                    key=OPTION_KEYS[index],
                    text=text,
                    is_correct=OPTION_KEYS[index] in cell["答案"],
                    sort_order=index,
                )
                for index, text in enumerate(texts)
            ]
        question.save()
        created += 1
        case = question if question_type == QuestionType.CASE else None
    return created


def _bank_seed(paper: NationalPaper, entry: DemoBank) -> QuestionBank:
    bank = QuestionBank.objects.filter(paper=paper, name=paper.name).first()
    if bank is None:
        bank = QuestionBank.objects.create(
            paper=paper, name=paper.name, description=f"{paper.name}的示例题库。"
        )
    if not Question.objects.filter(bank=bank).exists():
        headers, rows = demo_question_rows(entry.file_name)
        demo_questions_load(bank=bank, headers=headers, rows=rows)
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
