"""Reads for roll call, check-in, the admin lists and the exports."""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from academy.models import User
from academy.names import pinyin_sort_key
from academy.roles import is_administrator, is_trainer
from courses.models import ClassSession, CoursePage
from enrollments.models import Attendance, AttendanceRule, SessionAttendanceState
from enrollments.selectors.enrollment import enrollment_seat_holders


def attendance_rule_get() -> AttendanceRule:
    """The default site's attendance rules, or an unsaved row holding the defaults."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return AttendanceRule()
    return AttendanceRule.for_site(site)


def session_attendance_opens_at(*, session: ClassSession, rule: AttendanceRule) -> datetime:
    """When a session first accepts marks: the rule's minutes before it starts."""
    return session.starts_at - timedelta(minutes=rule.attendance_opens_minutes)


def session_attendance_is_open(
    *, session: ClassSession, now: datetime, rule: AttendanceRule
) -> bool:
    """Whether marks for ``session`` are accepted at ``now``: from the opening on, and
    never for a session that has not come that close to its start."""
    return now >= session_attendance_opens_at(session=session, rule=rule)


class CheckinWindow(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    ENDED = "ended"


def session_checkin_window(
    *, session: ClassSession, now: datetime, rule: AttendanceRule
) -> CheckinWindow:
    """Where self check-in stands at ``now``: not open before attendance opens, open
    from then until the session's end, ended after it."""
    if not session_attendance_is_open(session=session, now=now, rule=rule):
        return CheckinWindow.NOT_OPEN
    if now > session.ends_at:
        return CheckinWindow.ENDED
    return CheckinWindow.OPEN


def session_attendance_locked_at(*, session_id: int) -> datetime | None:
    """When an administrator locked the session's attendance, or None while it is open."""
    return (
        SessionAttendanceState.objects.filter(session_id=session_id)
        .values_list("locked_at", flat=True)
        .first()
    )


def sessions_with_attendance_lock(sessions: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Each session annotated with ``attendance_locked_at`` (None while open), read in
    the same query; pages and lists show the lock from it."""
    return sessions.annotate(attendance_locked_at=F("attendance_state__locked_at"))


def session_can_take_roll(*, user: User | AnonymousUser, session: ClassSession) -> bool:
    """Administrators, and trainers of the session's course (or the session's own trainer)."""
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if not is_trainer(user):
        return False
    if session.trainer_id == user.pk:
        return True
    return CoursePage.trainers.through.objects.filter(
        coursepage_id=session.course_id, user_id=user.pk
    ).exists()


def session_list_for_trainer(
    *, user: User, since: datetime | None = None
) -> QuerySet[ClassSession]:
    """Sessions whose roll the user may take, from ``since`` on (a week ago by default)."""
    since = since or timezone.now() - timedelta(days=7)
    sessions = ClassSession.objects.filter(ends_at__gte=since).select_related("course")
    if not is_administrator(user):
        sessions = sessions.filter(Q(trainer=user) | Q(course__trainers=user)).distinct()
    return sessions_with_attendance_lock(sessions).order_by("starts_at", "pk")


def session_list_for_admin(*, since: datetime) -> QuerySet[ClassSession]:
    """Sessions from ``since`` on, latest first, with their trainer and attendance lock."""
    sessions = ClassSession.objects.filter(starts_at__gte=since).select_related("course", "trainer")
    return sessions_with_attendance_lock(sessions).order_by("-starts_at", "-pk")


class RosterOrder(models.TextChoices):
    """How a session's trainees are listed on its sign-in sheet."""

    PINYIN = "pinyin", _("By pinyin of the family name")
    ROSTER = "roster", _("In roster order (as enrolled)")


def session_roster(*, session: ClassSession, order: str | None = None) -> list[dict]:
    """The enrolled trainees of a session's course with their current mark: by name, by
    the pinyin of the family name (``RosterOrder.PINYIN``) or as they enrolled
    (``RosterOrder.ROSTER``).

    One query whatever the size of the class.
    """
    seat_holders = enrollment_seat_holders(course_id=session.course_id)
    if order == RosterOrder.ROSTER:
        seat_holders = seat_holders.order_by("created_at", "pk")
    enrollments = list(seat_holders)
    if order == RosterOrder.PINYIN:
        enrollments.sort(key=lambda enrollment: pinyin_sort_key(enrollment.user.full_name))
    marks = {
        attendance.enrollment_id: attendance
        for attendance in Attendance.objects.filter(session=session)
    }
    roster = []
    for enrollment in enrollments:
        user = enrollment.user
        profile = getattr(user, "trainee_profile", None)
        roster.append(
            {
                "enrollment": enrollment,
                "user": user,
                "organization": profile.organization if profile else None,
                "phone_tail": user.phone[-4:] if user.phone else "",
                "attendance": marks.get(enrollment.pk),
            }
        )
    return roster


def session_checkin_count(*, session: ClassSession) -> int:
    return Attendance.objects.filter(
        session=session, status__in=Attendance.ATTENDED_STATUSES
    ).count()


def session_open_for_checkin_list(*, now: datetime, rule: AttendanceRule) -> QuerySet:
    """Sessions whose check-in window is open at ``now``: attendance has opened
    (``session_attendance_is_open``) and the session has not ended."""
    return ClassSession.objects.filter(
        starts_at__lte=now + timedelta(minutes=rule.attendance_opens_minutes), ends_at__gte=now
    )


def trainee_find_by_phone(*, phone: str) -> User | None:
    return (
        User.objects.filter(phone=phone.strip())
        .select_related("trainee_profile__organization")
        .first()
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def attendance_filtered(
    *,
    course_id: int | None = None,
    session_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    organization_id: int | None = None,
    trainee_id: int | None = None,
) -> QuerySet[Attendance]:
    """Attendance records matching the export filters; a period is inclusive of both days."""
    records = Attendance.objects.all()
    if course_id:
        records = records.filter(session__course_id=course_id)
    if session_id:
        records = records.filter(session_id=session_id)
    if date_from:
        records = records.filter(session__starts_at__gte=_day_start(date_from))
    if date_to:
        records = records.filter(session__starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if organization_id:
        records = records.filter(enrollment__user__trainee_profile__organization_id=organization_id)
    if trainee_id:
        records = records.filter(enrollment__user_id=trainee_id)
    return records


EXPORT_VALUES = (
    "enrollment__user__full_name",
    "enrollment__user__phone",
    "enrollment__user__trainee_profile__organization__name",
    "session__course__title",
    "session__title",
    "session__starts_at",
    "session__ends_at",
    "session__place",
    "status",
    "hours_credited",
    "checked_in_at",
    "method",
)


def attendance_export_rows(**filters) -> QuerySet:
    """The export's rows as value tuples, in a stable order, for ``.iterator()``."""
    return (
        attendance_filtered(**filters)
        .order_by("session__starts_at", "session_id", "enrollment__user__full_name", "pk")
        .values_list(*EXPORT_VALUES)
    )
