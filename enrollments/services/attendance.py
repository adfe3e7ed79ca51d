"""Attendance marks, the hours they credit, when a session accepts them, session locking
and walk-ins."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import Organization, User
from academy.roles import is_administrator
from academy.services import trainee_account_create
from courses.models import ClassSession
from enrollments.models import (
    Attendance,
    AttendanceRule,
    Enrollment,
    HourEntry,
    SessionAttendanceState,
)
from enrollments.selectors.attendance import (
    attendance_rule_get,
    session_attendance_is_open,
    session_attendance_locked_at,
    session_attendance_opens_at,
    session_can_take_roll,
    trainee_find_by_phone,
)
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.enrollment import enrollment_admit
from enrollments.services.history import change_history_note

ONE_DECIMAL = Decimal("0.1")


def _refuse_locked() -> RuleViolation:
    return RuleViolation(
        _("Attendance for this session is locked; ask an administrator to unlock it."),
        code="attendance_locked",
    )


def _refuse_not_enrolled() -> RuleViolation:
    return RuleViolation(
        _("This trainee is not enrolled in the session's course."), code="not_enrolled"
    )


def attendance_open_check(*, session: ClassSession, now: datetime, rule: AttendanceRule) -> None:
    """Refuse any mark for a session before its attendance opens, the rule's
    ``attendance_opens_minutes`` before its start: a session that has not started
    gets no mark and credits no class-hours, whoever or whatever marks it."""
    if session_attendance_is_open(session=session, now=now, rule=rule):
        return
    opens = session_attendance_opens_at(session=session, rule=rule)
    raise RuleViolation(
        _("This session has not started yet; attendance opens at %(opens)s.")
        % {"opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")},
        code="not_open_yet",
    )


def attendance_hours_for(*, status: str, session: ClassSession, rule: AttendanceRule) -> Decimal:
    """Class-hours a status earns: all of the session's for present, a share for late or
    left early, none for excused or absent. Rounded half up to one decimal."""
    hours = Decimal(session.class_hours)
    shares: dict[str, Decimal] = {
        Attendance.Status.PRESENT: Decimal("1"),
        Attendance.Status.LATE: rule.late_share,
        Attendance.Status.LEFT_EARLY: rule.left_early_share,
    }
    share = shares.get(status, Decimal("0"))
    return (hours * Decimal(share)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def session_hour_source(*, session: ClassSession) -> str:
    """The ledger kind a session's hours are booked as: live online sessions are online."""
    if session.kind == ClassSession.Kind.LIVE_ONLINE:
        return HourEntry.Source.LIVE_ONLINE_SESSION
    return HourEntry.Source.CLASSROOM_SESSION


def _ledger_credit(
    *, attendance: Attendance, session: ClassSession, hours: Decimal, recorded_by: User | None
) -> None:
    """Make the ledger's net for this mark equal ``hours``, by appending entries only.

    The live credit is reversed by a negative entry pointing at it, then the new
    credit is appended; nothing is written when the net is already right.
    """
    enrollment = attendance.enrollment
    source = session_hour_source(session=session)
    entries = HourEntry.objects.filter(enrollment=enrollment, session=session, source=source)
    net = entries.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if net == hours:
        return
    common = {
        "user_id": enrollment.user_id,
        "source": source,
        "course_id": session.course_id,
        "enrollment": enrollment,
        "session": session,
        "date": timezone.localdate(session.starts_at),
        "recorded_by": recorded_by,
    }
    if net:
        live_credit = entries.filter(hours__gt=0, corrections__isnull=True).order_by("-pk").first()
        description = _("Attendance corrected: %(status)s") % {
            "status": attendance.get_status_display()
        }
        change_history_note(
            record=HourEntry(hours=-net, corrects=live_credit, description=description, **common),
            actor=recorded_by,
            reason=description,
        ).save()
    if hours:
        description = _("Attendance: %(status)s") % {"status": attendance.get_status_display()}
        change_history_note(
            record=HourEntry(hours=hours, description=description, **common),
            actor=recorded_by,
            reason=description,
        ).save()


def _session_for_update(*, session_id: int) -> ClassSession:
    """The session, its row locked: marks and the attendance lock of one session are
    written one at a time, whether or not the session has a state row yet."""
    return ClassSession.objects.select_for_update().get(pk=session_id)


def attendance_set(
    *,
    session_id: int,
    enrollment: Enrollment,
    status: str,
    method: str,
    marked_by: User | None,
    checked_in_at: datetime | None = None,
    checked_out_at: datetime | None = None,
    minutes_attended: int | None = None,
    rule: AttendanceRule | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Record (or correct) one trainee's mark for a session and bring the ledger in line.

    No permission check here: callers check who may mark. Refuses a locked session, a
    session whose attendance has not opened at ``now`` (``attendance_open_check``) and
    an enrolment that does not hold a seat in the session's course.
    """
    if status not in Attendance.Status.values:
        raise RuleViolation(_("Unknown attendance status."), code="unknown_status")
    rule = rule or attendance_rule_get()
    now = now or timezone.now()
    with transaction.atomic():
        session = _session_for_update(session_id=session_id)
        if session_attendance_locked_at(session_id=session.pk) is not None:
            raise _refuse_locked()
        attendance_open_check(session=session, now=now, rule=rule)
        if (
            enrollment.course_id != session.course_id
            or enrollment.status not in Enrollment.SEAT_STATUSES
        ):
            raise _refuse_not_enrolled()
        attendance = (
            Attendance.objects.select_for_update()
            .filter(session=session, enrollment=enrollment)
            .first()
        ) or Attendance(session=session, enrollment=enrollment)
        attendance.status = status
        attendance.method = method
        attendance.marked_by = marked_by
        if checked_in_at is not None:
            attendance.checked_in_at = checked_in_at
        if checked_out_at is not None:
            attendance.checked_out_at = checked_out_at
        if minutes_attended is not None:
            attendance.minutes_attended = minutes_attended
        hours = attendance_hours_for(status=status, session=session, rule=rule)
        attendance.hours_credited = hours
        change_history_note(record=attendance, actor=marked_by).save()
        _ledger_credit(attendance=attendance, session=session, hours=hours, recorded_by=marked_by)
        enrollment_id = enrollment.pk
        transaction.on_commit(lambda: enrollment_completion_evaluate(enrollment_id=enrollment_id))
    return attendance


def attendance_roll_call_mark(
    *, session: ClassSession, enrollment_id: int, status: str, user: User
) -> Attendance:
    """The trainer's mark from the roll call; corrections allowed until the session is locked."""
    if not session_can_take_roll(user=user, session=session):
        raise PermissionDenied
    enrollment = Enrollment.objects.filter(pk=enrollment_id, course_id=session.course_id).first()
    if enrollment is None:
        raise _refuse_not_enrolled()
    return attendance_set(
        session_id=session.pk,
        enrollment=enrollment,
        status=status,
        method=Attendance.Method.ROLL_CALL,
        marked_by=user,
    )


def session_attendance_lock(*, session: ClassSession, user: User) -> SessionAttendanceState:
    """Lock the session's attendance (administrators only); locking it again keeps the
    first time. The lock is a row of its own, so no page revision ever changes it."""
    if not is_administrator(user):
        raise PermissionDenied
    with transaction.atomic():
        _session_for_update(session_id=session.pk)
        state = SessionAttendanceState.objects.filter(
            session_id=session.pk
        ).first() or SessionAttendanceState(session_id=session.pk)
        if state.locked_at is None:
            state.locked_at = timezone.now()
            state.locked_by = user
            change_history_note(record=state, actor=user).save()
    return state


def session_attendance_unlock(*, session: ClassSession, user: User) -> SessionAttendanceState:
    if not is_administrator(user):
        raise PermissionDenied
    with transaction.atomic():
        _session_for_update(session_id=session.pk)
        state = SessionAttendanceState.objects.filter(
            session_id=session.pk
        ).first() or SessionAttendanceState(session_id=session.pk)
        if state.locked_at is not None:
            state.locked_at = None
            state.locked_by = None
            change_history_note(record=state, actor=user).save(
                update_fields=["locked_at", "locked_by"]
            )
    return state


@dataclass
class WalkInResult:
    enrollment: Enrollment
    created_user: bool
    created_enrollment: bool


def walk_in_enroll(
    *,
    session: ClassSession,
    user: User,
    phone: str,
    full_name: str = "",
    organization: Organization | None = None,
    now: datetime | None = None,
) -> WalkInResult:
    """Enrol someone who turned up at a session, creating their account if the phone is new.

    The account is made as at registration (``trainee_account_create``) and the place
    given by ``enrollment_admit``: active whatever the course's capacity, since they are
    in the room already, which they cannot be before the session's attendance opens.
    An earlier withdrawn, rejected, pending or waiting enrolment is made active.
    """
    if not session_can_take_roll(user=user, session=session):
        raise PermissionDenied
    if session_attendance_locked_at(session_id=session.pk) is not None:
        raise _refuse_locked()
    attendance_open_check(session=session, now=now or timezone.now(), rule=attendance_rule_get())
    phone = phone.strip()
    with transaction.atomic():
        trainee = trainee_find_by_phone(phone=phone)
        created_user = trainee is None
        if trainee is None:
            if not full_name.strip():
                raise RuleViolation(
                    _("No one has this mobile number; enter their full name."),
                    code="full_name_required",
                )
            trainee = trainee_account_create(
                full_name=full_name, phone=phone, organization=organization
            )
        created_enrollment = not Enrollment.objects.filter(
            user=trainee, course_id=session.course_id
        ).exists()
        enrollment = enrollment_admit(
            user=trainee,
            course=session.course,
            source=Enrollment.Source.WALK_IN,
            actor=user,
            ignore_capacity=True,
        )
    return WalkInResult(
        enrollment=enrollment, created_user=created_user, created_enrollment=created_enrollment
    )
