"""Builders for question banks and their questions."""

from decimal import Decimal
from itertools import count

from courses.models import (
    CaseSubQuestion,
    MultipleChoiceScoring,
    NationalPaper,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionTopic,
    QuestionType,
)

_numbers = count(1)


def bank(*, paper: NationalPaper | None = None, name: str | None = None) -> QuestionBank:
    return QuestionBank.objects.create(name=name or f"题库 {next(_numbers)}", paper=paper)


def paper(*, subject: str = "comprehensive", level: str = "assistant") -> NationalPaper:
    return NationalPaper.objects.get(subject=subject, level=level)


def topic(*, bank: QuestionBank, path: str) -> QuestionTopic:
    parent = None
    names = path.split(QuestionTopic.PATH_SEPARATOR)
    for depth in range(1, len(names) + 1):
        prefix = QuestionTopic.PATH_SEPARATOR.join(names[:depth])
        parent, _created = QuestionTopic.objects.get_or_create(
            bank=bank, path=prefix, defaults={"name": names[depth - 1], "parent": parent}
        )
    return parent


def _save(question: Question) -> Question:
    question.save()
    question.save_revision()
    return question


def single(*, bank: QuestionBank, stem: str | None = None, right: str = "B", **fields) -> Question:
    question = Question(
        bank=bank,
        question_type=QuestionType.SINGLE,
        stem=stem or f"单选题 {next(_numbers)}：下列哪一项最符合社会工作的专业价值？",
        explanation=fields.pop("explanation", "社会工作以助人自助为核心价值。"),
        **fields,
    )
    question.options = [
        QuestionOption(key=key, text=f"选项{key}", is_correct=key == right, sort_order=i)
        for i, key in enumerate("ABCD")
    ]
    return _save(question)


def multiple(
    *,
    bank: QuestionBank,
    stem: str | None = None,
    right: str = "ACD",
    scoring: str = MultipleChoiceScoring.NATIONAL,
    **fields,
) -> Question:
    question = Question(
        bank=bank,
        question_type=QuestionType.MULTIPLE,
        scoring=scoring,
        stem=stem or f"多选题 {next(_numbers)}：个案工作的基本原则包括哪些？",
        explanation=fields.pop("explanation", "接纳、个别化和保密是基本原则。"),
        **fields,
    )
    question.options = [
        QuestionOption(key=key, text=f"原则{key}", is_correct=key in right, sort_order=i)
        for i, key in enumerate("ABCDE")
    ]
    return _save(question)


def true_false(*, bank: QuestionBank, stem: str | None = None, answer=True, **fields) -> Question:
    question = Question(
        bank=bank,
        question_type=QuestionType.TRUE_FALSE,
        stem=stem or f"判断题 {next(_numbers)}：社会工作者应尊重服务对象的自决权。",
        true_false_answer=answer,
        explanation=fields.pop("explanation", "自决是专业伦理的要求。"),
        **fields,
    )
    return _save(question)


def case(*, bank: QuestionBank, stem: str | None = None, parts=None, **fields) -> Question:
    question = Question(
        bank=bank,
        question_type=QuestionType.CASE,
        stem=stem or f"案例 {next(_numbers)}：某社区独居老人王某，近来情绪低落，很少出门。",
        explanation=fields.pop("explanation", "先评估需求，再制定介入计划。"),
        **fields,
    )
    parts = parts or [
        ("请分析王某的主要需求。", "6", "情绪支持需求|2\n社会交往需求|2\n生活照料需求|2"),
        ("请设计介入策略。", "4", "链接社区资源|2\n建立志愿者探访|2"),
    ]
    question.sub_questions = [
        CaseSubQuestion(prompt=prompt, points=Decimal(points), reference_points=points_text)
        for prompt, points, points_text in parts
    ]
    return _save(question)
