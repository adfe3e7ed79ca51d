"""Self check-in with a rotating QR token or a short typed code, and check-out.

The token and the code are HMACs (keyed by ``SECRET_KEY``) of the session id and
the current minute, so every web process computes the same ones without storing
anything. A token or code is accepted during its own minute and the next one, so
a scan made just before the screen refreshes still works; anything older is
expired. Codes are compared in constant time, each candidate in full.

Six digits could be guessed by trying them all, so a trainee may type only
``CODE_ATTEMPTS_LIMIT`` wrong codes in a window, counted over all sessions in the
database (``CheckinCodeAttempt``) where every web process sees the same count.
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import NoReturn, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from courses.models import ClassSession
from enrollments.models import Attendance, AttendanceRule, CheckinCodeAttempt, Enrollment
from enrollments.selectors.attendance import (
    CheckinWindow,
    attendance_rule_get,
    session_attendance_locked_at,
    session_attendance_opens_at,
    session_checkin_window,
    session_open_for_checkin_list,
)
from enrollments.services.attendance import attendance_open_check, attendance_set

TOKEN_PERIOD_SECONDS = 60
ACCEPTED_PERIODS = 2  # the current minute and the one before it
EXPIRED_LOOKBACK_PERIODS = 24 * 60  # how far back a code is recognised as expired
CODE_DIGITS = 6
# Wrong codes a trainee may type, over all sessions, before typing is refused for a while.
CODE_ATTEMPTS_LIMIT = 10
CODE_ATTEMPTS_WINDOW_SECONDS = 10 * 60

T = TypeVar("T")


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


def _refuse_expired() -> NoReturn:
    raise RuleViolation(
        _("This check-in code has expired. Scan the code on the screen again."), code="expired"
    )


def _refuse_other_session() -> NoReturn:
    raise RuleViolation(
        _("This code is for another session. Check that you are in the right room."),
        code="other_session",
    )


def _refuse_invalid() -> NoReturn:
    raise RuleViolation(
        _("This check-in code is not valid. Check the code and try again."), code="invalid"
    )


def _is_one_of(typed: str, candidates: Iterable[str]) -> bool:
    """Whether ``typed`` is one of ``candidates``, comparing with every one of them in
    constant time, so the time taken does not tell how close a guess was."""
    typed_bytes = typed.encode()
    found = False
    for candidate in candidates:
        found |= hmac.compare_digest(typed_bytes, candidate.encode())
    return found


def _accepted_periods(now: datetime) -> range:
    current = checkin_period(now=now)
    return range(current - ACCEPTED_PERIODS + 1, current + 1)


def _code_is_current(*, session_id: int, code: str, now: datetime) -> bool:
    return _is_one_of(
        code, (checkin_code(session_id=session_id, period=p) for p in _accepted_periods(now))
    )


def _code_is_expired(*, session: ClassSession, code: str, now: datetime, rule) -> bool:
    """Whether ``code`` was the session's code in a minute no longer accepted, back to
    when its check-in opened (at most ``EXPIRED_LOOKBACK_PERIODS``)."""
    current = checkin_period(now=now)
    opened = session_attendance_opens_at(session=session, rule=rule)
    earliest = max(checkin_period(now=opened), current - EXPIRED_LOOKBACK_PERIODS)
    periods = range(current - ACCEPTED_PERIODS, earliest - 1, -1)
    return _is_one_of(code, (checkin_code(session_id=session.pk, period=p) for p in periods))


def checkin_verify_token(*, session: ClassSession, token: str, now: datetime) -> None:
    token = token.strip()
    parts = token.split(".")
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        _refuse_invalid()
    session_id, period = int(parts[0]), int(parts[1])
    if not _is_one_of(token, [checkin_token(session_id=session_id, period=period)]):
        _refuse_invalid()
    if session_id != session.pk:
        _refuse_other_session()
    current = checkin_period(now=now)
    if period > current:
        _refuse_invalid()
    if period <= current - ACCEPTED_PERIODS:
        _refuse_expired()


def checkin_verify_code(
    *, session: ClassSession, code: str, now: datetime, rule: AttendanceRule
) -> None:
    """Accept the session's current code; refuse another open session's code, an expired
    code of this session, and anything else."""
    code = code.strip()
    if _code_is_current(session_id=session.pk, code=code, now=now):
        return
    other_ids = list(
        session_open_for_checkin_list(now=now, rule=rule)
        .exclude(pk=session.pk)
        .values_list("pk", flat=True)
    )
    accepted = _accepted_periods(now)
    if _is_one_of(
        code, (checkin_code(session_id=pk, period=p) for pk in other_ids for p in accepted)
    ):
        _refuse_other_session()
    if _code_is_expired(session=session, code=code, now=now, rule=rule):
        _refuse_expired()
    _refuse_invalid()


def checkin_session_for_code(
    *, user: User, code: str, now: datetime, rule: AttendanceRule
) -> ClassSession:
    """The open session whose current code was typed, preferring sessions of courses the
    trainee is enrolled in; refuse an expired code of an open session, and anything else."""
    code = code.strip()
    sessions = list(session_open_for_checkin_list(now=now, rule=rule).order_by("starts_at", "pk"))
    matching = [s for s in sessions if _code_is_current(session_id=s.pk, code=code, now=now)]
    if matching:
        enrolled_course_ids = set(
            Enrollment.objects.filter(
                user=user,
                course_id__in={s.course_id for s in matching},
                status__in=Enrollment.SEAT_STATUSES,
            ).values_list("course_id", flat=True)
        )
        return min(matching, key=lambda s: s.course_id not in enrolled_course_ids)
    expired = [s for s in sessions if _code_is_expired(session=s, code=code, now=now, rule=rule)]
    if expired:
        _refuse_expired()
    _refuse_invalid()


def _code_attempt_window_open(attempt: CheckinCodeAttempt, now: datetime) -> bool:
    window = timedelta(seconds=CODE_ATTEMPTS_WINDOW_SECONDS)
    return attempt.failures > 0 and now < attempt.window_started_at + window


def _checkin_code_limited(*, user: User, now: datetime, verify: Callable[[], T]) -> T:
    """Run ``verify`` for a typed code unless the trainee has typed too many wrong codes
    in the window, and count its refusal as one more wrong code.

    The trainee's row is locked for the check and the count, so concurrent requests, in
    any process, neither lose a count nor slip past the limit together.
    """
    with transaction.atomic():
        CheckinCodeAttempt.objects.get_or_create(user=user, defaults={"window_started_at": now})
        attempt = CheckinCodeAttempt.objects.select_for_update().get(user=user)
        window_open = _code_attempt_window_open(attempt, now)
        if window_open and attempt.failures >= CODE_ATTEMPTS_LIMIT:
            raise RuleViolation(
                _("Too many wrong codes. Ask the trainer to mark your attendance."),
                code="too_many_attempts",
            )
        try:
            return verify()
        except RuleViolation as wrong_code:
            refusal = wrong_code
        attempts = CheckinCodeAttempt.objects.filter(pk=attempt.pk)
        if window_open:
            attempts.update(failures=F("failures") + 1)
        else:
            attempts.update(failures=1, window_started_at=now)
    raise refusal


def _checkin_mark(
    *, session: ClassSession, user: User, method: str, now: datetime, rule: AttendanceRule
) -> Attendance:
    if session_attendance_locked_at(session_id=session.pk) is not None:
        raise RuleViolation(_("Attendance for this session is closed."), code="locked")
    attendance_open_check(session=session, now=now, rule=rule)
    if session_checkin_window(session=session, now=now, rule=rule) == CheckinWindow.ENDED:
        opens = session_attendance_opens_at(session=session, rule=rule)
        raise RuleViolation(
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
        raise RuleViolation(
            _("You are not enrolled in this course, so you cannot check in to its session."),
            code="not_enrolled",
        )
    existing = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    if existing is not None and (
        existing.checked_in_at is not None or existing.status in Attendance.ATTENDED_STATUSES
    ):
        raise RuleViolation(
            _("You have already checked in to this session (%(status)s).")
            % {"status": existing.get_status_display()},
            code="already",
        )
    late = now > session.starts_at + timedelta(minutes=rule.grace_minutes)
    return attendance_set(
        session_id=session.pk,
        enrollment=enrollment,
        status=Attendance.Status.LATE if late else Attendance.Status.PRESENT,
        method=method,
        marked_by=user,
        checked_in_at=now,
        rule=rule,
        now=now,
    )


def checkin_record(
    *,
    session: ClassSession,
    user: User,
    token: str = "",
    code: str = "",
    now: datetime | None = None,
) -> Attendance:
    """Mark a logged-in trainee present (late after the grace time) from a token or a code
    typed on the session's page.

    Refusals raise ``RuleViolation`` and change nothing but the count of wrong codes: an
    invalid, expired or other session's code, too many wrong codes, a locked session, a
    session whose attendance has not opened (``attendance_open_check``) or that has
    ended, a trainee not enrolled, and a second check-in.
    """
    now = now or timezone.now()
    rule = attendance_rule_get()
    if token:
        checkin_verify_token(session=session, token=token, now=now)
        method = Attendance.Method.QR_CODE
    elif code:
        _checkin_code_limited(
            user=user,
            now=now,
            verify=lambda: checkin_verify_code(session=session, code=code, now=now, rule=rule),
        )
        method = Attendance.Method.FALLBACK_CODE
    else:
        _refuse_invalid()
    return _checkin_mark(session=session, user=user, method=method, now=now, rule=rule)


def checkin_by_code_record(*, user: User, code: str, now: datetime | None = None) -> Attendance:
    """Mark a logged-in trainee present from a code typed without a session: the open
    session the code belongs to. Refused as ``checkin_record`` refuses a typed code."""
    now = now or timezone.now()
    rule = attendance_rule_get()
    session = _checkin_code_limited(
        user=user,
        now=now,
        verify=lambda: checkin_session_for_code(user=user, code=code, now=now, rule=rule),
    )
    return _checkin_mark(
        session=session, user=user, method=Attendance.Method.FALLBACK_CODE, now=now, rule=rule
    )


def checkout_record(
    *, session: ClassSession, user: User, now: datetime | None = None
) -> Attendance:
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
        raise RuleViolation(_("You have not checked in to this session."), code="not_checked_in")
    if attendance.checked_out_at is not None:
        raise RuleViolation(_("You have already checked out."), code="already_out")
    left_early = now < session.ends_at - timedelta(minutes=rule.grace_minutes)
    status = Attendance.Status.LEFT_EARLY if left_early else attendance.status
    return attendance_set(
        session_id=session.pk,
        enrollment=attendance.enrollment,
        status=status,
        method=attendance.method,
        marked_by=user,
        checked_out_at=now,
        rule=rule,
        now=now,
    )
