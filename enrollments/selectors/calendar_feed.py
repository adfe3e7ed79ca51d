"""Reads for a trainee's personal calendar feed, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from academy.models import User
from courses.models import ClassSession
from enrollments.models import CalendarFeedToken, Enrollment

# Sessions of courses the trainee holds a place in; pending, waiting-list, rejected and
# withdrawn enrolments have no seat, so their sessions stay out of the calendar.
FEED_STATUSES = Enrollment.LEARNING_STATUSES


@dataclass(frozen=True)
class CalendarFeed:
    user: User
    sessions: list[ClassSession]
    changed_at: datetime


def calendar_feed_token_live(*, user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_for_key(*, key: str) -> CalendarFeed | None:
    """The owner's sessions for a live key, or None for a revoked or unknown one."""
    token = (
        CalendarFeedToken.objects.filter(key=key, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    sessions = list(
        ClassSession.objects.filter(
            course__enrollments__user=token.user,
            course__enrollments__status__in=FEED_STATUSES,
            course__live=True,
        )
        .select_related("course", "trainer")
        .order_by("starts_at", "pk")
    )
    # Any change to the trainee's enrolments (a withdrawal too) changes Last-Modified.
    enrolled_at = Enrollment.objects.filter(user=token.user).aggregate(changed=Max("updated_at"))[
        "changed"
    ]
    moments = [token.created_at, *(s.course.last_published_at for s in sessions)]
    if enrolled_at is not None:
        moments.append(enrolled_at)
    return CalendarFeed(
        user=token.user,
        sessions=sessions,
        changed_at=max(moment for moment in moments if moment is not None),
    )
