"""Reads about lesson progress, and the one rule for when a lesson may be marked done."""

from django.contrib.auth.models import AnonymousUser

from academy.models import User
from courses.models import LessonPage
from enrollments.models import Enrollment, LessonProgress

# How often the lesson page's script sends a beat while the page is visible.
BEAT_INTERVAL_SECONDS = 30

# Why a lesson may not be marked done (``lesson_completion_refusal``).
NOT_ENROLLED = "not_enrolled"
ALREADY_DONE = "already_done"
TOO_SOON = "too_soon"


def lesson_time_cap_seconds(*, lesson: LessonPage) -> int:
    """Most time a lesson can collect: twice its estimate (at least estimate + 30 min)."""
    minutes = max(
        2 * lesson.estimated_minutes, lesson.estimated_minutes + 30, lesson.min_study_minutes
    )
    return minutes * 60


def lesson_learning_enrollment(
    *, lesson: LessonPage, user: User | AnonymousUser
) -> Enrollment | None:
    """The visitor's enrolment in the lesson's course if it lets them study, else None.

    One query: the course is found by the lesson's parent path in the same lookup.
    """
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(
        user=user,
        course__path=lesson.path[: -lesson.steplen],
        status__in=Enrollment.LEARNING_STATUSES,
    ).first()


def lesson_progress_for_visitor(
    *, lesson: LessonPage, user: User | AnonymousUser
) -> LessonProgress | None:
    """The visitor's progress on the lesson with its enrolment, while that enrolment is in
    the lesson's course and lets them study, else None; one query."""
    if not user.is_authenticated:
        return None
    return (
        LessonProgress.objects.filter(
            lesson=lesson,
            enrollment__user=user,
            enrollment__course__path=lesson.path[: -lesson.steplen],
            enrollment__status__in=Enrollment.LEARNING_STATUSES,
        )
        .select_related("enrollment")
        .first()
    )


def lesson_completion_refusal(*, lesson: LessonPage, progress: LessonProgress | None) -> str | None:
    """Why the lesson may not be marked done now, as a code; None when it may.

    The one rule, used by the service that marks the lesson done, by the lesson
    page and by the beat's answer: the trainee studies the course (an active or
    completed enrolment), has not marked the lesson done yet, and has spent the
    lesson's minimum study time on it.
    """
    if progress is None or progress.enrollment.status not in Enrollment.LEARNING_STATUSES:
        return NOT_ENROLLED
    if progress.completed_at is not None:
        return ALREADY_DONE
    if progress.seconds_on_task < lesson.min_study_minutes * 60:
        return TOO_SOON
    return None
