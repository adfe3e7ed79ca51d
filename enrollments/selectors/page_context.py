"""The visitor's part of the course and lesson pages: their enrolment and their progress.

The course pages do not import this app; ``enrollments.templatetags.enrollment_tags``
renders these contexts into them.
"""

from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from academy.models import User
from courses.models import CoursePage, LessonPage
from enrollments.models import Enrollment, LessonProgress
from enrollments.selectors.enrollment import course_seats_taken
from enrollments.selectors.evaluations import evaluation_pending_for_enrollment
from enrollments.selectors.progress import (
    BEAT_INTERVAL_SECONDS,
    lesson_completion_refusal,
    lesson_progress_for_visitor,
    lesson_time_cap_seconds,
)

# ``lesson_progress_page_context``'s progress when the caller has not read it.
UNREAD = object()


def waitlist_position(*, enrollment: Enrollment) -> int | None:
    if enrollment.status != Enrollment.Status.WAITLISTED:
        return None
    return (
        Enrollment.objects.filter(
            course_id=enrollment.course_id,
            status=Enrollment.Status.WAITLISTED,
            waitlisted_at__lte=enrollment.waitlisted_at,
        )
        .exclude(waitlisted_at=enrollment.waitlisted_at, pk__gt=enrollment.pk)
        .count()
    )


def course_enrollment_page_context(*, course: CoursePage, user: User | AnonymousUser) -> dict:
    """The visitor's enrolment in the course, places left and what they may do now."""
    now = timezone.now()
    seats_taken = course_seats_taken(course=course)
    places_left = None if course.capacity is None else max(0, course.capacity - seats_taken)
    enrollment = None
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
    window_open = course.enrollment_window_open(now)
    can_apply = enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN
    return {
        "enrollment": enrollment,
        "enrollment_statuses": Enrollment.Status,
        "enrollment_window_open": window_open,
        "enrollment_places_left": places_left,
        "enrollment_seats_taken": seats_taken,
        "enrollment_course_full": places_left == 0,
        "enrollment_can_enrol": window_open and can_apply,
        "enrollment_can_withdraw": enrollment is not None
        and enrollment.status
        in (Enrollment.Status.PENDING, Enrollment.Status.WAITLISTED, Enrollment.Status.ACTIVE),
        "enrollment_waitlist_position": waitlist_position(enrollment=enrollment)
        if enrollment
        else None,
        "enrollment_enrol_url": reverse("enrollments:enrol", args=[course.pk]),
        "enrollment_withdraw_url": reverse("enrollments:withdraw", args=[course.pk]),
        "pending_evaluations": evaluation_pending_for_enrollment(enrollment=enrollment, now=now)
        if enrollment
        else [],
    }


def lesson_progress_page_context(
    *,
    lesson: LessonPage,
    user: User | AnonymousUser,
    progress: LessonProgress | None | object = UNREAD,
) -> dict:
    """The trainee's progress on the lesson and the addresses the page's script posts to.

    The progress row is made when the trainee opens the lesson (the app's
    ``on_serve_page`` hook); there is none for visitors who do not study the
    lesson's course, and then the page shows no progress at all.
    """
    if progress is UNREAD:
        progress = lesson_progress_for_visitor(lesson=lesson, user=user)
    progress = cast(LessonProgress | None, progress)
    return {
        "lesson_progress": progress,
        "lesson_enrolled": progress is not None,
        "lesson_minutes_on_task": progress.seconds_on_task // 60 if progress else 0,
        "lesson_min_minutes": lesson.min_study_minutes,
        "lesson_can_complete": lesson_completion_refusal(lesson=lesson, progress=progress) is None,
        "lesson_time_cap_minutes": lesson_time_cap_seconds(lesson=lesson) // 60,
        "lesson_beat_interval": BEAT_INTERVAL_SECONDS,
        "lesson_beat_url": reverse("enrollments:lesson_beat", args=[lesson.pk]),
        "lesson_complete_url": reverse("enrollments:lesson_complete", args=[lesson.pk]),
    }
