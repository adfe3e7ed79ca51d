"""Lesson progress: opening a lesson, time on task from page beats, marking it done.

The lesson page sends a beat about every ``BEAT_INTERVAL_SECONDS``, only while it
is visible. A beat credits the time since the previous beat, at most
``BEAT_MAX_SECONDS``, and a lesson never collects more than its cap
(``lesson_time_cap_seconds``), so a tab left open earns nothing more. A "resume"
beat, sent when the page becomes visible again, restarts the clock without
crediting the hidden time. Whether a lesson may be marked done is decided by
``enrollments.selectors.progress.lesson_completion_refusal``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from academy.errors import RuleViolation
from academy.models import User
from courses.models import LessonPage
from enrollments.models import Enrollment, HourEntry, LessonProgress
from enrollments.selectors.progress import (
    ALREADY_DONE,
    TOO_SOON,
    lesson_completion_refusal,
    lesson_learning_enrollment,
    lesson_progress_for_visitor,
    lesson_time_cap_seconds,
)
from enrollments.services.completion import enrollment_completion_evaluate

BEAT_MAX_SECONDS = 60


def _enrollment_for(*, lesson: LessonPage, user) -> Enrollment:
    enrollment = lesson_learning_enrollment(lesson=lesson, user=user)
    if enrollment is None:
        raise PermissionDenied(_("Enrol in the course to record your progress."))
    return enrollment


def _progress_start(*, enrollment: Enrollment, lesson: LessonPage, now) -> LessonProgress:
    progress = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()
    if progress is None:
        try:
            with transaction.atomic():
                progress = LessonProgress.objects.create(
                    enrollment=enrollment, lesson=lesson, last_beat_at=now
                )
        except IntegrityError:
            progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    progress.enrollment = enrollment
    return progress


@contextmanager
def _progress_for_update(
    *, lesson: LessonPage, user: User, now: datetime
) -> Iterator[LessonProgress]:
    """The trainee's progress in the lesson, started if need be, locked for the block's
    transaction; only an enrolled trainee has one."""
    enrollment = _enrollment_for(lesson=lesson, user=user)
    _progress_start(enrollment=enrollment, lesson=lesson, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(
            enrollment=enrollment, lesson=lesson
        )
        progress.enrollment = enrollment
        yield progress


def lesson_progress_start(
    *, lesson: LessonPage, user: User | AnonymousUser, now: datetime | None = None
) -> LessonProgress | None:
    """Record that an enrolled trainee opened a lesson; others are not recorded.

    A lesson opened before costs one query (its progress row with the enrolment)."""
    progress = lesson_progress_for_visitor(lesson=lesson, user=user)
    if progress is not None:
        return progress
    enrollment = lesson_learning_enrollment(lesson=lesson, user=user)
    if enrollment is None:
        return None
    return _progress_start(enrollment=enrollment, lesson=lesson, now=now or timezone.now())


def lesson_progress_beat(
    *, lesson: LessonPage, user: User, resume: bool = False, now: datetime | None = None
) -> LessonProgress:
    """Credit the time since the last beat, within the per-beat and per-lesson caps."""
    now = now or timezone.now()
    with _progress_for_update(lesson=lesson, user=user, now=now) as progress:
        credit = 0
        if not resume and progress.last_beat_at is not None:
            elapsed = (now - progress.last_beat_at) // timedelta(seconds=1)
            credit = max(0, min(elapsed, BEAT_MAX_SECONDS))
        room = max(0, lesson_time_cap_seconds(lesson=lesson) - progress.seconds_on_task)
        progress.seconds_on_task += min(credit, room)
        if progress.last_beat_at is None or now > progress.last_beat_at:
            progress.last_beat_at = now
        progress.save(update_fields=["seconds_on_task", "last_beat_at"])
    return progress


def lesson_progress_complete(
    *, lesson: LessonPage, user: User, now: datetime | None = None
) -> LessonProgress:
    """Mark a lesson done once the rule allows it; credit its hours exactly once."""
    now = now or timezone.now()
    with _progress_for_update(lesson=lesson, user=user, now=now) as progress:
        refusal = lesson_completion_refusal(lesson=lesson, progress=progress)
        if refusal == ALREADY_DONE:
            return progress
        if refusal == TOO_SOON:
            raise RuleViolation(
                ngettext(
                    "Study this lesson for at least %(needed)d minute before marking it "
                    "done; you have %(done)d so far.",
                    "Study this lesson for at least %(needed)d minutes before marking it "
                    "done; you have %(done)d so far.",
                    lesson.min_study_minutes,
                )
                % {"needed": lesson.min_study_minutes, "done": progress.seconds_on_task // 60},
                code=TOO_SOON,
            )
        if refusal is not None:
            raise PermissionDenied(_("Enrol in the course to record your progress."))
        enrollment = progress.enrollment
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
        if lesson.class_hours:
            HourEntry.objects.create(
                user=user,
                source=HourEntry.Source.ONLINE_LESSON,
                hours=lesson.class_hours,
                date=timezone.localdate(now),
                course_id=enrollment.course_id,
                enrollment=enrollment,
                lesson=lesson,
                recorded_by=user,
                description=lesson.title[:300],
            )
    enrollment_completion_evaluate(enrollment_id=enrollment.pk)
    return progress
