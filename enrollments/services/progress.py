"""Lesson progress: opening a lesson, time on task from page beats, marking it done.

The lesson page sends a beat about every 30 seconds, only while it is visible.
A beat credits the time since the previous beat, at most ``BEAT_MAX_SECONDS``,
and a lesson never collects more than its cap (``lesson_time_cap_seconds``), so
a tab left open earns nothing more. A "resume" beat, sent when the page becomes
visible again, restarts the clock without crediting the hidden time.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enrollments.models import Enrollment, HourEntry, LessonProgress
from enrollments.services.completion import enrollment_completion_evaluate

BEAT_INTERVAL_SECONDS = 30
BEAT_MAX_SECONDS = 60


def lesson_time_cap_seconds(*, lesson) -> int:
    """Most time a lesson can collect: twice its estimate (at least estimate + 30 min)."""
    minutes = max(
        2 * lesson.estimated_minutes, lesson.estimated_minutes + 30, lesson.min_study_minutes
    )
    return minutes * 60


def lesson_course_id(*, lesson) -> int | None:
    from courses.models import CoursePage

    return (
        CoursePage.objects.filter(path=lesson.path[: -lesson.steplen])
        .values_list("pk", flat=True)
        .first()
    )


def _enrollment_for(*, lesson, user) -> Enrollment:
    course_id = lesson_course_id(lesson=lesson) if user.is_authenticated else None
    enrollment = (
        Enrollment.objects.filter(
            user=user, course_id=course_id, status__in=Enrollment.LEARNING_STATUSES
        ).first()
        if user.is_authenticated and course_id
        else None
    )
    if enrollment is None:
        raise PermissionDenied(_("Enrol in the course to record your progress."))
    return enrollment


def lesson_progress_start(*, lesson, user, now=None) -> LessonProgress | None:
    """Record that an enrolled trainee opened a lesson; others are not recorded."""
    now = now or timezone.now()
    try:
        enrollment = _enrollment_for(lesson=lesson, user=user)
    except PermissionDenied:
        return None
    progress = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return LessonProgress.objects.create(
                enrollment=enrollment, lesson=lesson, last_beat_at=now
            )
    except IntegrityError:
        return LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)


def lesson_progress_beat(*, lesson, user, resume: bool = False, now=None) -> LessonProgress:
    """Credit the time since the last beat, within the per-beat and per-lesson caps."""
    now = now or timezone.now()
    enrollment = _enrollment_for(lesson=lesson, user=user)
    lesson_progress_start(lesson=lesson, user=user, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(
            enrollment=enrollment, lesson=lesson
        )
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


def lesson_progress_complete(*, lesson, user, now=None) -> LessonProgress:
    """Mark a lesson done once its minimum time is met; credit its hours exactly once."""
    now = now or timezone.now()
    enrollment = _enrollment_for(lesson=lesson, user=user)
    lesson_progress_start(lesson=lesson, user=user, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(
            enrollment=enrollment, lesson=lesson
        )
        if progress.completed_at is not None:
            return progress
        needed = lesson.min_study_minutes * 60
        if progress.seconds_on_task < needed:
            minutes_so_far = progress.seconds_on_task // 60
            raise ValidationError(
                ngettext(
                    "Study this lesson for at least %(needed)d minute before marking it "
                    "done; you have %(done)d so far.",
                    "Study this lesson for at least %(needed)d minutes before marking it "
                    "done; you have %(done)d so far.",
                    lesson.min_study_minutes,
                )
                % {"needed": lesson.min_study_minutes, "done": minutes_so_far},
                code="too_soon",
            )
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
