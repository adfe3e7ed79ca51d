"""The notices of what happens to a trainee's enrolments, sessions, certificates and
external training. Texts are written in the site's language (Simplified Chinese by default):
users have no language of their own yet."""

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from courses.models import ClassSession
from enrollments.models import Enrollment, ExternalTraining, Notification, NotificationKind

from .sending import notification_send

Kind = NotificationKind
# What a trainee must know again when it changes.
SESSION_NOTICE_FIELDS = ("starts_at", "ends_at", "place", "meeting_url", "kind")


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _stamp(value: datetime | None) -> str:
    return (value or timezone.now()).isoformat()


def enrollment_decision_notify(*, enrollment: Enrollment, kind: str) -> Notification:
    """Tell the trainee that their application was accepted or refused, or that they moved
    up from the waiting list (enrolled, or awaiting approval where the course asks for it)."""
    course = enrollment.course
    with translation.override(settings.LANGUAGE_CODE):
        if kind == Kind.ENROLLMENT_APPROVED:
            title = _("You are enrolled in %(course)s") % {"course": course.title}
            body = _("Your application for %(course)s was approved. You can start learning.") % {
                "course": course.title
            }
            stamp = _stamp(enrollment.decided_at)
        elif kind == Kind.ENROLLMENT_REJECTED:
            title = _("Your application for %(course)s was not accepted") % {"course": course.title}
            body = _("Reason: %(reason)s") % {"reason": enrollment.decision_reason}
            stamp = _stamp(enrollment.decided_at)
        else:
            title = _("You moved up from the waiting list of %(course)s") % {"course": course.title}
            body = (
                _("A place is yours; the course asks for approval, which follows soon.")
                if enrollment.status == Enrollment.Status.PENDING
                else _("A place is yours: you are enrolled and can start learning.")
            )
            stamp = _stamp(enrollment.updated_at)
    return notification_send(
        recipient=enrollment.user,
        kind=kind,
        key=f"{kind}:{enrollment.pk}:{stamp}",
        title=title,
        body=body,
        link=reverse("enrollments:dashboard"),
    )


def external_training_reviewed_notify(*, training: ExternalTraining) -> Notification:
    with translation.override(settings.LANGUAGE_CODE):
        if training.status == ExternalTraining.Status.APPROVED:
            title = _("External training approved: %(title)s") % {"title": training.title}
            body = _("%(hours)s class-hours were added to your record.") % {"hours": training.hours}
        else:
            title = _("External training not approved: %(title)s") % {"title": training.title}
            body = _("Reason: %(reason)s") % {"reason": training.rejection_reason}
    return notification_send(
        recipient=training.user,
        kind=Kind.EXTERNAL_TRAINING_REVIEWED,
        key=f"external-training:{training.pk}:{training.status}",
        title=title,
        body=body,
        link=reverse("enrollments:ledger"),
    )


def session_where(session: ClassSession) -> str:
    if session.kind == ClassSession.Kind.LIVE_ONLINE:
        return _("Meeting link: %(url)s") % {"url": session.meeting_url}
    return _("Place: %(place)s") % {"place": session.place}


def session_trainees(session: ClassSession):
    """The trainees a session's notices go to: those enrolled in its course now."""
    return [
        enrollment.user
        for enrollment in Enrollment.objects.filter(
            course_id=session.course_id, status=Enrollment.Status.ACTIVE
        ).select_related("user")
    ]


def session_fingerprint(values: Mapping[str, Any]) -> str:
    text = "|".join(str(values[field]) for field in SESSION_NOTICE_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def session_changed_notify(*, session: ClassSession, before: Mapping[str, Any]) -> int:
    """Tell the course's trainees that an upcoming session's time, place or link changed;
    each change is told once. Returns how many notices were made."""
    after = {field: getattr(session, field) for field in SESSION_NOTICE_FIELDS}
    if all(before[field] == after[field] for field in SESSION_NOTICE_FIELDS):
        return 0
    if max(before["starts_at"], session.starts_at) < timezone.now():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Session changed: %(session)s") % {"session": session.title}
        body = _("%(course)s · now %(starts)s – %(ends)s. %(where)s") % {
            "course": session.course.title,
            "starts": _when(session.starts_at),
            "ends": formats.time_format(timezone.localtime(session.ends_at), "TIME_FORMAT"),
            "where": session_where(session),
        }
    key = f"session-changed:{session.pk}:{session_fingerprint(after)}"
    link = reverse("attendance:checkin", args=[session.pk])
    trainees = session_trainees(session)
    for trainee in trainees:
        notification_send(
            recipient=trainee,
            kind=Kind.SESSION_CHANGED,
            key=key,
            title=title,
            body=body,
            link=link,
        )
    return len(trainees)


def session_cancelled_notify(*, session: ClassSession) -> int:
    """Tell the course's trainees that an upcoming session was removed from the course."""
    if session.starts_at < timezone.now():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Session cancelled: %(session)s") % {"session": session.title}
        body = _("%(course)s · the session of %(starts)s will not take place.") % {
            "course": session.course.title,
            "starts": _when(session.starts_at),
        }
    trainees = session_trainees(session)
    for trainee in trainees:
        notification_send(
            recipient=trainee,
            kind=Kind.SESSION_CANCELLED,
            key=f"session-cancelled:{session.pk}",
            title=title,
            body=body,
            link=reverse("enrollments:dashboard"),
        )
    return len(trainees)
