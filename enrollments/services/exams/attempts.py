"""Sitting an exam: starting (or resuming) an attempt, saving answers and flags as they
are given, submitting at the trainee's word or at the server-kept deadline, and the
final result once every answer has a mark."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy.models import User
from courses.models import Exam
from enrollments.models import AttemptQuestion, Enrollment, ExamAttempt, NotificationKind
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.notifications import notification_send

from .drawing import exam_paper_draw
from .practice import wrong_answers_record
from .scoring import answer_is_correct, answer_normalise, answer_score

Status = ExamAttempt.Status
SEED_BITS = 62


class ExamNotAvailable(Exception):
    """The trainee cannot start this exam now; the message says why."""


class ExamAttemptClosed(Exception):
    """The attempt takes no more answers: it was submitted or its deadline passed."""


def exam_unavailable_reason(
    *, exam: Exam, user: User, attempts_made: int, now: datetime | None = None
) -> str | None:
    """Why ``user`` cannot start a new attempt of ``exam``, or None when they can."""
    now = now or timezone.now()
    enrolled = Enrollment.objects.filter(
        user=user, course_id=exam.course_id, status__in=Enrollment.LEARNING_STATUSES
    ).exists()
    if not enrolled:
        return _("Enrol in the course to take its exam.")
    if not exam.is_published or (exam.opens_at and now < exam.opens_at):
        return _("This exam is not open yet.")
    if exam.closes_at and now >= exam.closes_at:
        return _("This exam has closed.")
    if exam.attempts_allowed and attempts_made >= exam.attempts_allowed:
        return _("You have used all %(count)s attempts of this exam.") % {
            "count": exam.attempts_allowed
        }
    return None


def attempt_deadline(*, exam: Exam, started_at: datetime) -> datetime | None:
    """The time limit from the start, and never after the exam closes."""
    deadlines = []
    if exam.time_limit_minutes:
        deadlines.append(started_at + timedelta(minutes=exam.time_limit_minutes))
    if exam.closes_at:
        deadlines.append(exam.closes_at)
    return min(deadlines) if deadlines else None


def attempt_is_open(*, attempt: ExamAttempt, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return attempt.status == Status.IN_PROGRESS and (
        attempt.deadline_at is None or now < attempt.deadline_at
    )


def exam_attempt_start(*, user: User, exam: Exam) -> ExamAttempt:
    """The trainee's attempt in progress of this exam, or a new one with its own paper.

    An attempt in progress past its deadline is submitted first. Raises
    `ExamNotAvailable` (not enrolled, not open, closed, attempts used up) and
    `ExamDrawingError` (the bank cannot fill the paper)."""
    current = ExamAttempt.objects.filter(exam=exam, user=user, status=Status.IN_PROGRESS).first()
    if current is not None:
        if attempt_is_open(attempt=current):
            return current
        exam_attempt_submit(attempt_id=current.pk, expired=True)

    now = timezone.now()
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(user=user, course_id=exam.course_id, status__in=Enrollment.LEARNING_STATUSES)
            .first()
        )
        made = ExamAttempt.objects.filter(exam=exam, user=user)
        current = made.filter(status=Status.IN_PROGRESS).first()
        if current is not None:
            return current
        reason = exam_unavailable_reason(exam=exam, user=user, attempts_made=made.count(), now=now)
        if reason:
            raise ExamNotAvailable(reason)
        seed = secrets.randbits(SEED_BITS)
        drawn = exam_paper_draw(exam=exam, seed=seed)
        number = (made.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                attempt = ExamAttempt.objects.create(
                    exam=exam,
                    user=user,
                    enrollment=enrollment,
                    number=number,
                    seed=seed,
                    started_at=now,
                    deadline_at=attempt_deadline(exam=exam, started_at=now),
                    total_points=sum((item.points for item in drawn), Decimal(0)),
                )
        except IntegrityError:
            # Another request of the same trainee started it a moment before.
            return ExamAttempt.objects.get(exam=exam, user=user, status=Status.IN_PROGRESS)
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                section_index=item.section_index,
                question=item.question,
                version=item.version,
                points=item.points,
                option_order=item.option_order,
            )
            for position, item in enumerate(drawn, start=1)
        )
    return attempt


def _open_question(*, attempt: ExamAttempt, user: User, position: int) -> AttemptQuestion:
    """The question at ``position`` of the trainee's own open attempt, with the attempt
    row locked so that a submission waits for this write (and this write for it)."""
    if attempt.user_id != user.pk:
        raise PermissionDenied
    locked = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt_is_open(attempt=locked):
        raise ExamAttemptClosed(
            _("This attempt was submitted.")
            if locked.status != Status.IN_PROGRESS
            else _("The time for this attempt is over; the answer was not saved.")
        )
    try:
        question = AttemptQuestion.objects.select_related("version").get(
            attempt=locked, position=position
        )
    except AttemptQuestion.DoesNotExist:
        raise ValueError(f"attempt {attempt.pk} has no question {position}") from None
    question.attempt = locked
    return question


def _seen(attempt: ExamAttempt, position: int) -> None:
    if attempt.last_position != position:
        attempt.last_position = position
        ExamAttempt.objects.filter(pk=attempt.pk).update(last_position=position)


def exam_attempt_answer(
    *, attempt: ExamAttempt, user: User, position: int, answer: Any
) -> AttemptQuestion:
    """Save the answer to one question (``None`` clears it). Raises `ExamAttemptClosed`
    after the deadline kept by the server or once submitted, `ExamAnswerInvalid` (a
    ValueError) for an answer that does not fit the question."""
    with transaction.atomic():
        question = _open_question(attempt=attempt, user=user, position=position)
        question.answer = answer_normalise(content=question.version.content, answer=answer)
        question.answered_at = timezone.now() if question.answer is not None else None
        question.save(update_fields=["answer", "answered_at"])
        _seen(question.attempt, position)
    return question


def exam_attempt_flag(
    *, attempt: ExamAttempt, user: User, position: int, flagged: bool
) -> AttemptQuestion:
    """Flag a question for review (or take the flag off)."""
    with transaction.atomic():
        question = _open_question(attempt=attempt, user=user, position=position)
        question.flagged = bool(flagged)
        question.save(update_fields=["flagged"])
        _seen(question.attempt, position)
    return question


def exam_attempt_submit(*, attempt_id: int, expired: bool = False) -> ExamAttempt:
    """Hand the attempt in: objective answers are marked, the wrong-answer book is kept,
    and the attempt is final unless a case answer waits for a trainer. Submitting again
    changes nothing."""
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.status != Status.IN_PROGRESS:
            return attempt
        questions = list(attempt.questions.select_related("version"))
        results: dict[int, bool] = {}
        for question in questions:
            content = question.version.content
            question.score = answer_score(
                content=content, answer=question.answer, points=question.points
            )
            correct = answer_is_correct(content=content, answer=question.answer)
            if correct is not None and question.answer is not None:
                results[question.question_id] = correct
        AttemptQuestion.objects.bulk_update(questions, ["score"])
        wrong_answers_record(user_id=attempt.user_id, results=results)
        attempt.status = Status.AWAITING_MARKING
        attempt.submitted_at = timezone.now()
        attempt.expired = expired
        attempt.save(update_fields=["status", "submitted_at", "expired"])
        if all(question.score is not None for question in questions):
            attempt = exam_attempt_finalise(attempt_id=attempt.pk)
    return attempt


def exam_attempt_finalise(*, attempt_id: int) -> ExamAttempt:
    """Once every question of a submitted attempt has a score: its total, whether it
    passed, MARKED; a pass completes the enrolment where the course's rule is now met, and
    the trainee is told the result. Does nothing while a question waits for marking."""
    with transaction.atomic():
        attempt = (
            ExamAttempt.objects.select_for_update(of=("self",))
            .select_related("exam", "user")
            .get(pk=attempt_id)
        )
        if attempt.status != Status.AWAITING_MARKING:
            return attempt
        scores = list(attempt.questions.values_list("score", flat=True))
        if any(score is None for score in scores):
            return attempt
        score = sum((value for value in scores if value is not None), Decimal(0))
        attempt.score = score
        attempt.passed = score >= attempt.exam.pass_mark
        attempt.status = Status.MARKED
        attempt.marked_at = timezone.now()
        attempt.save(update_fields=["score", "passed", "status", "marked_at"])
        if attempt.passed and attempt.enrollment_id:
            enrollment_completion_evaluate(enrollment_id=attempt.enrollment_id)
        exam_result_notify(attempt=attempt)
    return attempt


def exam_result_notify(*, attempt: ExamAttempt):
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Exam result: %(exam)s") % {"exam": attempt.exam.title}
        body = (
            _("You scored %(score)s of %(total)s and passed.")
            if attempt.passed
            else _("You scored %(score)s of %(total)s; the pass mark is %(pass_mark)s.")
        ) % {
            "score": attempt.score,
            "total": attempt.total_points,
            "pass_mark": attempt.exam.pass_mark,
        }
    return notification_send(
        recipient=attempt.user,
        kind=NotificationKind.EXAM_RESULT,
        key=f"exam-result:{attempt.pk}",
        title=title,
        body=body,
        link=exam_result_link(attempt=attempt),
    )


def exam_result_link(*, attempt: ExamAttempt) -> str:
    """The attempt's result page; My learning where the exam screens are not installed."""
    try:
        return reverse("exams:result", args=[attempt.pk])
    except NoReverseMatch:
        return reverse("enrollments:dashboard")


def exam_attempts_expire(*, now: datetime | None = None) -> int:
    """Submit every attempt in progress whose deadline has passed; how many were."""
    now = now or timezone.now()
    due = ExamAttempt.objects.filter(status=Status.IN_PROGRESS, deadline_at__lte=now)
    submitted = 0
    for attempt_id in due.values_list("pk", flat=True).iterator():
        attempt = exam_attempt_submit(attempt_id=attempt_id, expired=True)
        submitted += attempt.expired and attempt.submitted_at is not None
    return submitted
