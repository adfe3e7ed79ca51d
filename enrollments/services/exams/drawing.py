"""Drawing an attempt's paper: the questions of each blueprint section (or the fixed
paper), in an order and with option orders reproducible from the attempt's seed, each
frozen as a `QuestionVersion`."""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from courses.models import Exam, Question, QuestionVersion
from courses.models.questions import CHOICE_TYPES
from enrollments.selectors.exams import questions_with_content, topic_filter


class ExamDrawingError(Exception):
    """The bank cannot fill the exam's paper (a section asks for more questions than
    match it, or a fixed paper has none)."""


@dataclass(frozen=True)
class DrawnQuestion:
    question: Question
    version: QuestionVersion
    points: Decimal
    section_index: int
    option_order: list[str]


def _version_create(*, question: Question, content: dict, content_hash: str) -> QuestionVersion:
    """The version with this content, numbered after the latest; a racing draw that made it
    first wins and its row is returned."""
    for _attempt in range(3):
        existing = QuestionVersion.objects.filter(
            question=question, content_hash=content_hash
        ).first()
        if existing is not None:
            return existing
        latest = QuestionVersion.objects.filter(question=question).aggregate(n=Max("number"))["n"]
        try:
            with transaction.atomic():
                return QuestionVersion.objects.create(
                    question=question,
                    number=(latest or 0) + 1,
                    content=content,
                    content_hash=content_hash,
                )
        except IntegrityError:
            continue
    return QuestionVersion.objects.get(question=question, content_hash=content_hash)


def question_version_current(*, question: Question) -> QuestionVersion:
    """The frozen version of the question as it is saved now, made if it is new."""
    content = question.content()
    return _version_create(
        question=question, content=content, content_hash=QuestionVersion.hash_content(content)
    )


def question_versions_current(*, questions: Sequence[Question]) -> dict[int, QuestionVersion]:
    """`question_version_current` for many questions in a few queries (by question id).

    The questions should come from `questions_with_content()`."""
    contents = {question.pk: question.content() for question in questions}
    hashes = {pk: QuestionVersion.hash_content(content) for pk, content in contents.items()}
    found = {
        version.question_id: version
        for version in QuestionVersion.objects.filter(
            question_id__in=list(hashes), content_hash__in=set(hashes.values())
        )
        if hashes[version.question_id] == version.content_hash
    }
    for question in questions:
        if question.pk not in found:
            found[question.pk] = _version_create(
                question=question, content=contents[question.pk], content_hash=hashes[question.pk]
            )
    return found


def _option_order(question: Question, rng: random.Random, shuffle: bool) -> list[str]:
    if question.question_type not in CHOICE_TYPES:
        return []
    keys = [option.key for option in question.options.all()]
    if shuffle:
        rng.shuffle(keys)
    return keys


def _drawn(
    chosen: Iterable[tuple[int, Decimal, int]], exam: Exam, rng: random.Random
) -> list[DrawnQuestion]:
    chosen = list(chosen)
    questions = questions_with_content().in_bulk([pk for pk, _points, _index in chosen])
    versions = question_versions_current(questions=list(questions.values()))
    return [
        DrawnQuestion(
            question=questions[pk],
            version=versions[pk],
            points=Decimal(points),
            section_index=index,
            option_order=_option_order(questions[pk], rng, exam.shuffle_options),
        )
        for pk, points, index in chosen
    ]


def exam_paper_draw(*, exam: Exam, seed: int) -> list[DrawnQuestion]:
    """The paper of one attempt, in the order it is shown.

    Blueprint: each section, in order, draws its count from the bank's questions in use
    of its type (and topic subtree, and difficulty), never a question an earlier section
    took; questions are shuffled within their section when the exam shuffles questions.
    Fixed: the chosen questions, shuffled as a whole when asked. The same seed gives the
    same paper as long as the bank is unchanged."""
    rng = random.Random(seed)
    chosen: list[tuple[int, Decimal, int]] = []
    if exam.drawing == Exam.Drawing.FIXED:
        fixed = list(exam.fixed_questions.order_by("sort_order", "pk"))
        if not fixed:
            raise ExamDrawingError(_("The exam's fixed paper has no questions."))
        chosen = [(item.question_id, item.points, 0) for item in fixed]
        if exam.shuffle_questions:
            rng.shuffle(chosen)
        return _drawn(chosen, exam, rng)

    sections = list(exam.sections.select_related("topic").order_by("sort_order", "pk"))
    if not sections:
        raise ExamDrawingError(_("The exam has no sections to draw its questions from."))
    taken: set[int] = set()
    for index, section in enumerate(sections):
        candidates = Question.objects.filter(
            topic_filter(section.topic),
            bank_id=exam.bank_id,
            question_type=section.question_type,
            is_active=True,
        )
        if section.difficulty:
            candidates = candidates.filter(difficulty=section.difficulty)
        pool = [
            pk for pk in candidates.order_by("pk").values_list("pk", flat=True) if pk not in taken
        ]
        if len(pool) < section.count:
            raise ExamDrawingError(
                _(
                    "Section “%(section)s” needs %(count)s questions but the bank has "
                    "%(available)s that fit it."
                )
                % {"section": section, "count": section.count, "available": len(pool)}
            )
        picked = rng.sample(pool, section.count)
        if not exam.shuffle_questions:
            picked.sort()
        taken.update(picked)
        chosen.extend((pk, section.points, index) for pk in picked)
    return _drawn(chosen, exam, rng)
