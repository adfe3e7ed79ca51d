"""Marking case answers (案例分析): a trainer of the exam's course gives points for each
reference point of each sub-question, with a comment; the attempt is final once no
question waits for marking."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from enrollments.models import AttemptQuestion, ExamAttempt
from enrollments.selectors.access import course_is_managed_by

from .attempts import exam_attempt_finalise

POINTS_STEP = Decimal("0.1")


def _marks_read(*, content: dict[str, Any], marks: Any) -> list[list[Decimal]]:
    """The marks as decimals, one list per sub-question with one value per reference
    point, each between 0 and that point's points."""
    parts = content.get("sub_questions") or []
    if not isinstance(marks, list) or len(marks) != len(parts):
        raise RuleViolation(_("Give a mark for every sub-question."), code="marks_shape")
    read: list[list[Decimal]] = []
    for part_number, (part, given) in enumerate(zip(parts, marks, strict=True), start=1):
        points = part.get("reference_points") or []
        if not isinstance(given, list) or len(given) != len(points):
            raise RuleViolation(
                _("Give a mark for every reference point of sub-question %(number)d.")
                % {"number": part_number},
                code="marks_shape",
            )
        values = []
        for point, value in zip(points, given, strict=True):
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                amount = Decimal(-1)
            if not amount.is_finite() or amount < 0 or amount > Decimal(point["points"]):
                raise RuleViolation(
                    _("“%(point)s” takes from 0 to %(points)s points.")
                    % {"point": point["text"], "points": point["points"]},
                    code="mark_out_of_range",
                )
            values.append(amount)
        read.append(values)
    return read


def case_score(*, content: dict[str, Any], marks: list[list[Decimal]], points: Decimal) -> Decimal:
    """The question's score: the marks given, scaled to the question's points in the exam
    when the case's own points add up to another total."""
    given = sum((sum(part, Decimal(0)) for part in marks), Decimal(0))
    total = sum(
        (Decimal(part["points"]) for part in content.get("sub_questions") or []), Decimal(0)
    )
    if total <= 0:
        return Decimal(0)
    if total == points:
        return given
    return (given * points / total).quantize(POINTS_STEP)


def attempt_question_mark_case(
    *,
    attempt_question: AttemptQuestion,
    marker: User,
    marks: Any,
    comment: str = "",
) -> AttemptQuestion:
    """Mark one case answer of a submitted attempt; a mark given earlier is replaced.
    Only an administrator or a trainer of the exam's course may mark. When the attempt
    has no unmarked question left, its result is made final."""
    with transaction.atomic():
        attempt = (
            ExamAttempt.objects.select_for_update(of=("self",))
            .select_related("exam__course")
            .get(pk=attempt_question.attempt_id)
        )
        if not course_is_managed_by(course=attempt.exam.course, user=marker):
            raise RuleViolation(
                _("Only the course's trainers mark its exams."), code="not_course_marker"
            )
        if attempt.status != ExamAttempt.Status.AWAITING_MARKING:
            raise RuleViolation(
                _("This attempt is not waiting for marking."), code="not_awaiting_marking"
            )
        question = AttemptQuestion.objects.select_related("version").get(pk=attempt_question.pk)
        content = question.version.content
        if content.get("type") != "case":
            raise RuleViolation(_("Only case answers are marked by hand."), code="not_a_case")
        values = _marks_read(content=content, marks=marks)
        question.marks = [[str(value) for value in part] for part in values]
        question.score = case_score(content=content, marks=values, points=question.points)
        question.marker_comment = comment.strip()
        question.marked_by = marker
        question.marked_at = timezone.now()
        question.save(update_fields=["marks", "score", "marker_comment", "marked_by", "marked_at"])
        if not attempt.questions.filter(score__isnull=True).exists():
            exam_attempt_finalise(attempt_id=attempt.pk)
    return question
