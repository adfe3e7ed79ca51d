"""The trainee's "My learning" page, in a fixed number of queries."""

import time
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone, translation

from academy.learner_version import learner_version
from academy.models import TraineeProfile, User
from academy.page_cache import ENTRY_SECONDS, pages_cache, pages_generation
from courses.ical import site_absolute_url
from courses.models import ClassSession, LessonPage
from enrollments.models import Enrollment, LessonProgress
from enrollments.selectors.calendar_feed import calendar_feed_token_live
from enrollments.selectors.certificates import certificate_list_for_user
from enrollments.selectors.evaluations import evaluation_pending_for
from enrollments.selectors.hours import hours_summary

CURRENT = (Enrollment.Status.ACTIVE,)
WAITING = (Enrollment.Status.PENDING, Enrollment.Status.WAITLISTED)
FINISHED = (Enrollment.Status.COMPLETED,)
UPCOMING_SESSIONS = 10
# What the page shows of each enrolment and its course (the course's page row is wide).
ENROLLMENT_FIELDS = (
    "user_id",
    "course_id",
    "status",
    "created_at",
    "completed_at",
    "decision_reason",
)
COURSE_FIELDS = ("title", "path", "depth", "url_path", "live", "content_type_id", "locale_id")
# What only time changes (sessions ending, evaluation windows, the year of the hours) is
# shown at most this late on a cached dashboard.
DASHBOARD_WINDOW_SECONDS = 60


def _lesson_counts(*, courses) -> dict[int, int]:
    """Live lessons per course, in one query grouped by the parent's tree path; kept in
    the cache until a page changes (the pages generation, ``academy.page_cache``)."""
    if not courses:
        return {}
    key = f"academy:pages:{pages_generation()}:lesson-counts"
    known = pages_cache().get(key) or {}
    missing = [course for course in courses if course.pk not in known]
    if missing:
        known = {**known, **_lesson_counts_read(courses=missing)}
        pages_cache().set(key, known, ENTRY_SECONDS)
    return {course.pk: known[course.pk] for course in courses}


def _lesson_counts_read(*, courses) -> dict[int, int]:
    steplen = LessonPage.steplen
    by_path = {course.path: course.pk for course in courses}
    rows = (
        LessonPage.objects.live()
        .annotate(parent_path=Substr("path", 1, (F("depth") - 1) * steplen))
        .filter(parent_path__in=list(by_path))
        .order_by()
        .values("parent_path")
        .annotate(lessons=Count("pk"))
    )
    counts = dict.fromkeys(by_path.values(), 0)
    counts.update({by_path[row["parent_path"]]: row["lessons"] for row in rows})
    return counts


def dashboard_context(*, user: User, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    every_enrollment = list(
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .only(*ENROLLMENT_FIELDS, *(f"course__{name}" for name in COURSE_FIELDS))
        .order_by("-created_at", "-pk")
    )
    enrollments = [e for e in every_enrollment if e.status != Enrollment.Status.WITHDRAWN]
    courses_by_id = {e.course_id: e.course for e in every_enrollment}
    learning = [e for e in enrollments if e.status in Enrollment.LEARNING_STATUSES]
    courses = [e.course for e in learning]
    lesson_counts = _lesson_counts(courses=courses)
    done_counts = dict(
        LessonProgress.objects.filter(
            enrollment__in=[e.pk for e in learning],
            completed_at__isnull=False,
            lesson__live=True,
        )
        .order_by()
        .values_list("enrollment_id")
        .annotate(done=Count("pk"))
    )
    for enrollment in enrollments:
        total = lesson_counts.get(enrollment.course_id, 0)
        done = done_counts.get(enrollment.pk, 0)
        enrollment.lessons_total = total
        enrollment.lessons_done = done
        enrollment.progress_percent = int(done * 100 / total) if total else 0
    upcoming = list(
        ClassSession.objects.filter(
            course_id__in=[e.course_id for e in enrollments if e.status in CURRENT],
            ends_at__gte=now,
        ).order_by("starts_at", "pk")[:UPCOMING_SESSIONS]
    )
    for session in upcoming:
        session.course = courses_by_id[session.course_id]
    feed_token = calendar_feed_token_live(user=user)
    profile = TraineeProfile.objects.filter(user=user).select_related("organization").first()
    return {
        "current_enrollments": [e for e in enrollments if e.status in CURRENT],
        "waiting_enrollments": [e for e in enrollments if e.status in WAITING],
        "finished_enrollments": [e for e in enrollments if e.status in FINISHED],
        "rejected_enrollments": [e for e in enrollments if e.status == Enrollment.Status.REJECTED],
        "upcoming_sessions": upcoming,
        "calendar_feed_url": site_absolute_url(
            reverse("enrollments:personal_calendar", args=[feed_token.key])
        )
        if feed_token
        else "",
        "certificates": list(certificate_list_for_user(user=user)),
        "profile": profile,
        "hours": hours_summary(user=user, today=today, profile=profile or False),
        "pending_evaluations": evaluation_pending_for(
            user=user, now=now, enrollments=every_enrollment
        ),
    }


def dashboard_context_cached(*, user: User) -> dict:
    """``dashboard_context``, kept in the cache until one of the trainee's records changes
    (``learner_version``), a page or session changes (the pages generation) or the
    minute ends; per language."""
    key = ":".join(
        (
            "academy:dashboard",
            str(user.pk),
            learner_version(user_id=user.pk),
            str(pages_generation()),
            translation.get_language() or "",
            str(int(time.time() // DASHBOARD_WINDOW_SECONDS)),
        )
    )
    context = cache.get(key)
    if context is None:
        context = dashboard_context(user=user)
        cache.set(key, context, 2 * DASHBOARD_WINDOW_SECONDS)
    return context
