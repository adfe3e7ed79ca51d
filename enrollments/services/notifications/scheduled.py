"""Reminders the workers' scheduler runs (``enrollments.cron``). Each notice has a key of
its own, so a run repeated, or two runs at once, make nothing new."""

import calendar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from academy.models import TraineeProfile
from courses.models import ClassSession
from enrollments.models import ContinuingEducationPolicy, Notification, NotificationKind
from enrollments.selectors.hours import ce_cycle_for, hours_summary

from .events import session_trainees, session_where
from .sending import notification_send

# Months before the end of a continuing-education cycle at which a trainee short of hours
# is reminded, the latest first.
CE_REMINDER_MONTHS = (2, 6)


def _session_reminder_key(session: ClassSession) -> str:
    return f"session-reminder:{session.pk}:{timezone.localdate(session.starts_at).isoformat()}"


def session_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every trainee enrolled in a course of its sessions that start tomorrow (the
    academy's day), with the time, the place or meeting link, and to check in. Returns how
    many notices were made."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    sessions = (
        ClassSession.objects.filter(
            starts_at__gte=start, starts_at__lt=start + timedelta(days=1), course__live=True
        )
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    made = 0
    for session in sessions.iterator():
        key = _session_reminder_key(session)
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Tomorrow: %(session)s") % {"session": session.title}
            body = _(
                "%(course)s · %(starts)s – %(ends)s. %(where)s. "
                "Remember to check in with the session's QR code or code."
            ) % {
                "course": session.course.title,
                "starts": formats.date_format(
                    timezone.localtime(session.starts_at), "DATETIME_FORMAT"
                ),
                "ends": formats.time_format(timezone.localtime(session.ends_at), "TIME_FORMAT"),
                "where": session_where(session),
            }
        already = set(Notification.objects.filter(key=key).values_list("recipient_id", flat=True))
        for trainee in session_trainees(session):
            if trainee.pk in already:
                continue
            notification_send(
                recipient=trainee,
                kind=NotificationKind.SESSION_REMINDER,
                key=key,
                title=title,
                body=body,
                link=reverse("attendance:checkin", args=[session.pk]),
            )
            made += 1
    return made


def _reminder_due(*, cycle_end: date, today: date) -> int | None:
    """The months-before reminder due for a cycle ending ``cycle_end``, or None."""
    if today > cycle_end:
        return None
    for months in CE_REMINDER_MONTHS:
        if today >= _add_months(cycle_end, -months):
            return months
    return None


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), kept within the month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def ce_cycle_reminders_send(*, today: date | None = None) -> int:
    """Remind every trainee whose continuing-education cycle ends within six (then two)
    months and who is still short of hours, with the hours missing. Returns how many
    notices were made.

    The cycle end is worked out from the profiles' registration dates without a query per
    trainee; only trainees with a reminder due and not yet sent have their hours summed.
    """
    today = today or timezone.localdate()
    cycle_years = dict(
        ContinuingEducationPolicy.objects.values_list("qualification_level", "cycle_years")
    )
    profiles = (
        TraineeProfile.objects.filter(
            registration_date__isnull=False, registration_date__lte=today, user__is_active=True
        )
        .filter(qualification_level__in=list(cycle_years))
        .select_related("user")
        .order_by("pk")
    )
    # The reminders of the cycles that can be in a window now (cycles end at most six
    # months ahead), read once.
    sent = set(
        Notification.objects.filter(
            kind=NotificationKind.CE_CYCLE_REMINDER,
            created_at__date__gte=_add_months(today, -max(CE_REMINDER_MONTHS) - 1),
        ).values_list("recipient_id", "key")
    )
    made = 0
    for profile in profiles.iterator():
        cycle = ce_cycle_for(
            registration_date=profile.registration_date,
            cycle_years=cycle_years[profile.qualification_level],
            today=today,
        )
        if cycle is None:
            continue
        months = _reminder_due(cycle_end=cycle[1], today=today)
        if months is None:
            continue
        key = f"ce-cycle:{cycle[1].isoformat()}:{months}m"
        if (profile.user_id, key) in sent:
            continue
        summary = hours_summary(user=profile.user, today=today, profile=profile).cycle
        if summary is None or summary.remaining <= 0:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Your continuing-education cycle ends on %(end)s") % {
                "end": formats.date_format(cycle[1], "DATE_FORMAT")
            }
            body = _(
                "You still need %(missing)s of the %(required)s class-hours this cycle asks for."
            ) % {"missing": summary.remaining, "required": summary.required}
        notification_send(
            recipient=profile.user,
            kind=NotificationKind.CE_CYCLE_REMINDER,
            key=key,
            title=title,
            body=body,
            link=reverse("enrollments:ledger"),
        )
        made += 1
    return made
