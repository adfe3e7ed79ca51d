"""Self check-in with a rotating QR token or a short fallback code, and check-out.

The token and the code are HMACs (keyed by ``SECRET_KEY``) of the session id and
the current minute, so every web process computes the same ones without storing
anything. A token or code is accepted during its own minute and the next one, so
a scan made just before the screen refreshes still works; anything older is
expired.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import ClassSession
from enrollments.models import Attendance, Enrollment
from enrollments.selectors.attendance import attendance_rule_get, session_open_for_checkin_list
from enrollments.services.attendance import attendance_set

TOKEN_PERIOD_SECONDS = 60
ACCEPTED_PERIODS = 2  # the current minute and the one before it
EXPIRED_LOOKBACK_PERIODS = 24 * 60  # how far back a code is recognised as expired
CODE_DIGITS = 6
# Wrong codes a trainee may type for one session before typing is refused for a while.
CODE_ATTEMPTS_LIMIT = 10
CODE_ATTEMPTS_WINDOW_SECONDS = 10 * 60


class CheckinRefused(ValidationError):
    """A check-in that changed nothing, with the message to show the trainee."""


def checkin_period(*, now: datetime) -> int:
    return int(now.timestamp()) // TOKEN_PERIOD_SECONDS


def _digest(purpose: str, session_id: int, period: int) -> bytes:
    message = f"academy.checkin.{purpose}:{session_id}:{period}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def checkin_token(*, session_id: int, period: int) -> str:
    """``<session>.<minute>.<signature>``: carried by the QR code."""
    return f"{session_id}.{period}.{_digest('token', session_id, period).hex()[:20]}"


def checkin_code(*, session_id: int, period: int) -> str:
    """A six-digit code for typing when scanning fails."""
    number = int.from_bytes(_digest("code", session_id, period)[:8], "big")
    return f"{number % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def checkin_seconds_left(*, now: datetime) -> int:
    return TOKEN_PERIOD_SECONDS - int(now.timestamp()) % TOKEN_PERIOD_SECONDS


def _refuse_expired():
    raise CheckinRefused(
        _("This check-in code has expired. Scan the code on the screen again."), code="expired"
    )


def _refuse_other_session():
    raise CheckinRefused(
        _("This code is for another session. Check that you are in the right room."),
        code="other_session",
    )


def _refuse_invalid():
    raise CheckinRefused(
        _("This check-in code is not valid. Check the code and try again."), code="invalid"
    )


def checkin_verify_token(*, session: ClassSession, token: str, now: datetime) -> None:
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        _refuse_invalid()
    session_id, period = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(token.strip(), checkin_token(session_id=session_id, period=period)):
        _refuse_invalid()
    if session_id != session.pk:
        _refuse_other_session()
    current = checkin_period(now=now)
    if period > current:
        _refuse_invalid()
    if period <= current - ACCEPTED_PERIODS:
        _refuse_expired()


def checkin_verify_code(*, session: ClassSession, code: str, now: datetime, rule) -> None:
    code = code.strip()
    current = checkin_period(now=now)
    accepted = range(current - ACCEPTED_PERIODS + 1, current + 1)
    if any(
        hmac.compare_digest(code, checkin_code(session_id=session.pk, period=p)) for p in accepted
    ):
        return
    other_sessions = session_open_for_checkin_list(now=now, rule=rule).exclude(pk=session.pk)
    for other_id in other_sessions.values_list("pk", flat=True):
        if any(code == checkin_code(session_id=other_id, period=p) for p in accepted):
            _refuse_other_session()
    opened = session.starts_at - timedelta(minutes=rule.checkin_opens_minutes)
    earliest = max(checkin_period(now=opened), current - EXPIRED_LOOKBACK_PERIODS)
    for period in range(current - ACCEPTED_PERIODS, earliest - 1, -1):
        if code == checkin_code(session_id=session.pk, period=period):
            _refuse_expired()
    _refuse_invalid()


def _checkin_code_attempt(*, session: ClassSession, user, code: str, now: datetime, rule) -> None:
    """Verify a typed code, refusing further tries after too many wrong ones: six digits
    could otherwise be guessed by trying them all."""
    key = f"academy:checkin-code-failures:{session.pk}:{user.pk}"
    if cache.get(key, 0) >= CODE_ATTEMPTS_LIMIT:
        raise CheckinRefused(
            _("Too many wrong codes. Ask the trainer to mark your attendance."),
            code="too_many_attempts",
        )
    try:
        checkin_verify_code(session=session, code=code, now=now, rule=rule)
    except CheckinRefused:
        cache.add(key, 0, CODE_ATTEMPTS_WINDOW_SECONDS)
        cache.incr(key)
        raise


def checkin_record(
    *,
    session: ClassSession,
    user,
    token: str = "",
    code: str = "",
    now: datetime | None = None,
) -> Attendance:
    """Mark a logged-in trainee present (late after the grace time) from a token or a code.

    Refusals raise ``CheckinRefused`` and change nothing: an invalid, expired or
    other session's code, a locked session, outside the check-in window, a
    trainee not enrolled, and a second check-in.
    """
    now = now or timezone.now()
    rule = attendance_rule_get()
    if token:
        checkin_verify_token(session=session, token=token, now=now)
        method = Attendance.Method.QR_CODE
    elif code:
        _checkin_code_attempt(session=session, user=user, code=code, now=now, rule=rule)
        method = Attendance.Method.FALLBACK_CODE
    else:
        _refuse_invalid()
    if session.attendance_locked_at is not None:
        raise CheckinRefused(_("Attendance for this session is closed."), code="locked")
    opens = session.starts_at - timedelta(minutes=rule.checkin_opens_minutes)
    if now < opens or now > session.ends_at:
        raise CheckinRefused(
            _("Check-in for this session is open from %(opens)s until %(closes)s.")
            % {
                "opens": timezone.localtime(opens).strftime("%H:%M"),
                "closes": timezone.localtime(session.ends_at).strftime("%H:%M"),
            },
            code="outside_window",
        )
    enrollment = Enrollment.objects.filter(
        user=user, course_id=session.course_id, status__in=Enrollment.SEAT_STATUSES
    ).first()
    if enrollment is None:
        raise CheckinRefused(
            _("You are not enrolled in this course, so you cannot check in to its session."),
            code="not_enrolled",
        )
    existing = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    if existing is not None and (
        existing.checked_in_at is not None or existing.status in Attendance.ATTENDED_STATUSES
    ):
        raise CheckinRefused(
            _("You have already checked in to this session (%(status)s).")
            % {"status": existing.get_status_display()},
            code="already",
        )
    late = now > session.starts_at + timedelta(minutes=rule.grace_minutes)
    try:
        return attendance_set(
            session_id=session.pk,
            enrollment=enrollment,
            status=Attendance.Status.LATE if late else Attendance.Status.PRESENT,
            method=method,
            marked_by=user,
            checked_in_at=now,
            rule=rule,
        )
    except ValidationError as error:
        raise CheckinRefused(error.messages[0], code="refused") from error


def checkout_record(*, session: ClassSession, user, now: datetime | None = None) -> Attendance:
    """Record when a checked-in trainee leaves; before the end less the grace time it is
    leaving early."""
    now = now or timezone.now()
    rule = attendance_rule_get()
    attendance = (
        Attendance.objects.filter(
            session=session, enrollment__user=user, checked_in_at__isnull=False
        )
        .select_related("enrollment")
        .first()
    )
    if attendance is None:
        raise CheckinRefused(_("You have not checked in to this session."), code="not_checked_in")
    if attendance.checked_out_at is not None:
        raise CheckinRefused(_("You have already checked out."), code="already_out")
    left_early = now < session.ends_at - timedelta(minutes=rule.grace_minutes)
    status = Attendance.Status.LEFT_EARLY if left_early else attendance.status
    try:
        return attendance_set(
            session_id=session.pk,
            enrollment=attendance.enrollment,
            status=status,
            method=attendance.method,
            marked_by=user,
            checked_out_at=now,
            rule=rule,
        )
    except ValidationError as error:
        raise CheckinRefused(error.messages[0], code="refused") from error
