"""Builders for question banks, questions and exams."""

from decimal import Decimal
from itertools import count

from courses.models import (
    CaseSubQuestion,
    CoursePage,
    Exam,
    ExamFixedQuestion,
    ExamSection,
    NationalPaper,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionTopic,
    QuestionType,
    Track,
)
from tests.courses import factories as tree

_numbers = count(1)


def bank(*, name: str | None = None, paper: NationalPaper | None = None) -> QuestionBank:
    return QuestionBank.objects.create(name=name or f"题库 {next(_numbers)}", paper=paper)


def topic(*, bank: QuestionBank, name: str, parent: QuestionTopic | None = None) -> QuestionTopic:
    path = f"{parent.path}{QuestionTopic.PATH_SEPARATOR}{name}" if parent else name
    return QuestionTopic.objects.create(bank=bank, parent=parent, name=name, path=path)


def single(*, bank: QuestionBank, right: str = "B", stem: str | None = None, **fields) -> Question:
    """A single-choice question with options A–D, ``right`` the right one."""
    return choice(bank=bank, right=right, keys="ABCD", stem=stem, **fields)


def multiple(
    *, bank: QuestionBank, right: str = "AC", stem: str | None = None, **fields
) -> Question:
    """A multiple-choice question with options A–E, the letters of ``right`` right."""
    fields.setdefault("question_type", QuestionType.MULTIPLE)
    return choice(bank=bank, right=right, keys="ABCDE", stem=stem, **fields)


def choice(*, bank: QuestionBank, right: str, keys: str, stem: str | None = None, **fields):
    number = next(_numbers)
    fields.setdefault("question_type", QuestionType.SINGLE)
    fields.setdefault("explanation", f"第 {number} 题的解析")
    question = Question.objects.create(bank=bank, stem=stem or f"第 {number} 题的题干", **fields)
    for index, key in enumerate(keys):
        QuestionOption.objects.create(
            question=question,
            key=key,
            text=f"第 {number} 题选项 {key}",
            is_correct=key in right,
            sort_order=index,
        )
    return question


def true_false(*, bank: QuestionBank, answer: bool = True, **fields) -> Question:
    number = next(_numbers)
    fields.setdefault("explanation", f"第 {number} 题的解析")
    return Question.objects.create(
        bank=bank,
        question_type=QuestionType.TRUE_FALSE,
        stem=f"判断题 {number}",
        true_false_answer=answer,
        **fields,
    )


def case(*, bank: QuestionBank, parts: int = 2, **fields) -> Question:
    """A case with ``parts`` sub-questions of 10 points, each two reference points."""
    number = next(_numbers)
    fields.setdefault("explanation", f"案例 {number} 的解析")
    question = Question.objects.create(
        bank=bank, question_type=QuestionType.CASE, stem=f"案例 {number}：某社区……", **fields
    )
    for index in range(parts):
        CaseSubQuestion.objects.create(
            question=question,
            prompt=f"问题 {index + 1}",
            points=Decimal(10),
            reference_points="建立专业关系|4\n制定服务计划|6",
            sort_order=index,
        )
    return question


def exam_course(**fields) -> CoursePage:
    fields.setdefault("track", Track.EXAM_PREP)
    fields.setdefault("code", "e")
    return tree.course(**fields)


def exam(
    *,
    bank: QuestionBank,
    course: CoursePage | None = None,
    sections=(),
    fixed=(),
    **fields,
) -> Exam:
    """A published exam of ``bank``; ``sections`` as (type, count, points[, extra fields]),
    ``fixed`` as (question, points) for a fixed paper."""
    fields.setdefault("title", f"模拟考试 {next(_numbers)}")
    fields.setdefault("is_published", True)
    fields.setdefault("pass_mark", Decimal(60))
    if fixed:
        fields.setdefault("drawing", Exam.Drawing.FIXED)
    made = Exam.objects.create(course=course or exam_course(), bank=bank, **fields)
    for index, section in enumerate(sections):
        question_type, number, points, *extra = section
        ExamSection.objects.create(
            exam=made,
            question_type=question_type,
            count=number,
            points=Decimal(str(points)),
            sort_order=index,
            **(extra[0] if extra else {}),
        )
    for index, (question, points) in enumerate(fixed):
        ExamFixedQuestion.objects.create(
            exam=made, question=question, points=Decimal(str(points)), sort_order=index
        )
    return made
