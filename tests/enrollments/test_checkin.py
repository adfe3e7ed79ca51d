import hmac
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from academy.errors import RuleViolation
from enrollments.models import Attendance, CheckinCodeAttempt, HourEntry
from enrollments.services import checkin as checkin_service
from enrollments.services.attendance import attendance_roll_call_mark, session_attendance_lock
from enrollments.services.checkin import (
    ACCEPTED_PERIODS,
    CODE_ATTEMPTS_LIMIT,
    CODE_ATTEMPTS_WINDOW_SECONDS,
    EXPIRED_LOOKBACK_PERIODS,
    checkin_by_code_record,
    checkin_code,
    checkin_period,
    checkin_record,
    checkin_token,
    checkout_record,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef
from tests.processes import child_env

pytestmark = pytest.mark.django_db

S = Attendance.Status


@pytest.fixture
def setup(taught_course):
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    session = tree.session(course=taught_course, starts_at=starts, hours="3", minutes=180)
    trainee = ef.enrollment(course=taught_course).user
    return session, trainee


def token_at(session, moment):
    return checkin_token(session_id=session.pk, period=checkin_period(now=moment))


def code_at(session, moment):
    return checkin_code(session_id=session.pk, period=checkin_period(now=moment))


def refusal(**kwargs):
    with pytest.raises(RuleViolation) as info:
        checkin_record(**kwargs)
    return info.value


def open_now(session):
    session.starts_at = timezone.now() - timedelta(minutes=1)
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save()


def test_token_rotates_every_minute(setup):
    session, _trainee = setup
    moment = session.starts_at
    tokens = {token_at(session, moment + timedelta(minutes=m)) for m in range(5)}
    codes = {code_at(session, moment + timedelta(minutes=m)) for m in range(5)}

    assert len(tokens) == 5
    assert len(codes) == 5
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert token_at(session, moment) == token_at(session, moment + timedelta(seconds=59))


def test_on_time_check_in_is_present_and_credits_hours(setup):
    session, trainee = setup
    now = session.starts_at + timedelta(minutes=5)

    attendance = checkin_record(
        session=session, user=trainee, token=token_at(session, now), now=now
    )

    assert attendance.status == S.PRESENT
    assert attendance.method == Attendance.Method.QR_CODE
    assert attendance.checked_in_at == now
    assert HourEntry.objects.get().hours == Decimal("3.0")


def test_after_grace_time_is_late(setup):
    session, trainee = setup
    now = session.starts_at + timedelta(minutes=11)

    attendance = checkin_record(session=session, user=trainee, code=code_at(session, now), now=now)

    assert attendance.status == S.LATE
    assert attendance.method == Attendance.Method.FALLBACK_CODE
    assert HourEntry.objects.get().hours == Decimal("1.5")


def test_previous_minute_token_is_still_accepted(setup):
    session, trainee = setup
    now = session.starts_at
    attendance = checkin_record(
        session=session, user=trainee, token=token_at(session, now - timedelta(minutes=1)), now=now
    )
    assert attendance.status == S.PRESENT


def test_expired_token_is_refused(setup):
    session, trainee = setup
    now = session.starts_at
    old = now - timedelta(minutes=2)

    error = refusal(session=session, user=trainee, token=token_at(session, old), now=now)
    assert error.code == "expired"
    error = refusal(session=session, user=trainee, code=code_at(session, old), now=now)
    assert error.code == "expired"
    assert not Attendance.objects.exists()


def test_code_for_another_session_is_refused(setup, trainer_user):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at

    error = refusal(session=session, user=trainee, token=token_at(other, now), now=now)
    assert error.code == "other_session"
    error = refusal(session=session, user=trainee, code=code_at(other, now), now=now)
    assert error.code == "other_session"
    assert not Attendance.objects.exists()


def test_forged_or_wrong_code_is_refused(setup):
    session, trainee = setup
    now = session.starts_at
    good = token_at(session, now)
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")

    assert refusal(session=session, user=trainee, token=forged, now=now).code == "invalid"
    assert refusal(session=session, user=trainee, token="garbage", now=now).code == "invalid"
    wrong = f"{(int(code_at(session, now)) + 1) % 1000000:06d}"
    assert refusal(session=session, user=trainee, code=wrong, now=now).code == "invalid"
    assert not Attendance.objects.exists()


def test_guessing_codes_is_stopped_after_ten_wrong_ones(setup):
    session, trainee = setup
    now = session.starts_at
    right = code_at(session, now)
    wrong_codes = [f"{(int(right) + step) % 1000000:06d}" for step in range(1, 11)]

    for wrong in wrong_codes:
        assert refusal(session=session, user=trainee, code=wrong, now=now).code == "invalid"
    refused = refusal(session=session, user=trainee, code=right, now=now)

    assert refused.code == "too_many_attempts"
    assert not Attendance.objects.exists()


def test_trainee_not_enrolled_is_refused(setup):
    session, _trainee = setup
    stranger = factories.trainee()
    now = session.starts_at

    error = refusal(session=session, user=stranger, token=token_at(session, now), now=now)
    assert error.code == "not_enrolled"
    assert not Attendance.objects.exists()


def test_second_check_in_is_refused_and_changes_nothing(setup):
    session, trainee = setup
    now = session.starts_at
    first = checkin_record(session=session, user=trainee, token=token_at(session, now), now=now)
    later = now + timedelta(minutes=30)

    error = refusal(session=session, user=trainee, token=token_at(session, later), now=later)

    assert error.code == "already"
    attendance = Attendance.objects.get()
    assert attendance.checked_in_at == first.checked_in_at
    assert attendance.status == S.PRESENT
    assert HourEntry.objects.count() == 1


def test_outside_the_window_is_refused(setup):
    session, trainee = setup
    early = session.starts_at - timedelta(minutes=31)
    late = session.ends_at + timedelta(minutes=1)

    assert (
        refusal(session=session, user=trainee, token=token_at(session, early), now=early).code
        == "not_open_yet"
    )
    assert (
        refusal(session=session, user=trainee, token=token_at(session, late), now=late).code
        == "outside_window"
    )
    assert not Attendance.objects.exists()


def test_locked_session_refuses_check_in(setup, admin_user):
    session, trainee = setup
    session_attendance_lock(session=session, user=admin_user)
    session.refresh_from_db()
    now = session.starts_at

    assert refusal(session=session, user=trainee, token=token_at(session, now), now=now).code == (
        "locked"
    )
    assert not Attendance.objects.exists()


def test_check_out_before_the_end_is_leaving_early(setup):
    session, trainee = setup
    now = session.starts_at
    checkin_record(session=session, user=trainee, token=token_at(session, now), now=now)

    attendance = checkout_record(session=session, user=trainee, now=now + timedelta(minutes=60))

    assert attendance.status == S.LEFT_EARLY
    assert attendance.checked_out_at == now + timedelta(minutes=60)
    assert sum(entry.hours for entry in HourEntry.objects.all()) == Decimal("1.5")
    with pytest.raises(RuleViolation) as again:
        checkout_record(session=session, user=trainee, now=now + timedelta(minutes=61))
    assert again.value.code == "already_out"


def test_check_out_at_the_end_keeps_present(setup):
    session, trainee = setup
    now = session.starts_at
    checkin_record(session=session, user=trainee, token=token_at(session, now), now=now)

    attendance = checkout_record(session=session, user=trainee, now=session.ends_at)

    assert attendance.status == S.PRESENT
    assert sum(entry.hours for entry in HourEntry.objects.all()) == Decimal("3.0")


def test_trainer_can_correct_a_check_in(setup, trainer_user):
    session, trainee = setup
    open_now(session)
    now = timezone.now()
    attendance = checkin_record(
        session=session, user=trainee, token=token_at(session, now), now=now
    )

    attendance_roll_call_mark(
        session=session, enrollment_id=attendance.enrollment_id, status=S.ABSENT, user=trainer_user
    )

    assert sum(entry.hours for entry in HourEntry.objects.all()) == 0


# Views


def test_scanning_the_qr_code_checks_in(client, setup):
    session, trainee = setup
    session.starts_at = timezone.now() - timedelta(minutes=1)
    session.save()
    client.force_login(trainee)
    url = reverse("attendance:checkin", args=[session.pk])
    token = token_at(session, timezone.now())

    page = client.get(url, {"t": token})
    assert page.status_code == 200
    assert token in page.text
    response = client.post(url, {"token": token}, follow=True)

    assert response.status_code == 200
    assert Attendance.objects.get().status == S.PRESENT
    again = client.post(url, {"token": token}, follow=True)
    assert "您已经签到过了" in again.text
    assert Attendance.objects.count() == 1


def test_typing_the_code_on_the_generic_page(client, setup):
    session, trainee = setup
    session.starts_at = timezone.now() - timedelta(minutes=1)
    session.save()
    client.force_login(trainee)

    response = client.post(
        reverse("attendance:checkin_by_code"), {"code": code_at(session, timezone.now())}
    )

    assert response.status_code == 302
    assert Attendance.objects.get().method == Attendance.Method.FALLBACK_CODE


def test_check_in_screen_shows_qr_and_code(client, setup, trainer_user):
    session, _trainee = setup
    client.force_login(trainer_user)
    moment = session.starts_at + timedelta(minutes=5, seconds=20)

    with mock.patch.object(timezone, "now", return_value=moment):
        page = client.get(reverse("attendance:checkin_screen", args=[session.pk]))
        state = client.get(
            reverse("attendance:checkin_screen", args=[session.pk]), {"format": "json"}
        ).json()

    assert page.status_code == 200
    assert "<svg" in page.text
    assert state["code"] == code_at(session, moment)
    assert state["checkin_url"].endswith(f"?t={token_at(session, moment)}")
    assert state["seconds_left"] == 40


# Typed codes: the session for a code, and the limit on wrong codes


def codes_ever(session, moment):
    """Every code ``session`` had in the lookback before ``moment`` and a minute after."""
    current = checkin_period(now=moment)
    periods = range(current - EXPIRED_LOOKBACK_PERIODS, current + 3)
    return {checkin_code(session_id=session.pk, period=p) for p in periods}


def wrong_codes(count, *sessions, moment):
    """``count`` codes that none of ``sessions`` had around ``moment``, current or expired."""
    taken = set().union(*(codes_ever(session, moment) for session in sessions))
    codes = (f"{number:06d}" for number in range(123456, 1000000) if f"{number:06d}" not in taken)
    return [next(codes) for _ in range(count)]


def by_code_refusal(**kwargs):
    with pytest.raises(RuleViolation) as info:
        checkin_by_code_record(**kwargs)
    return info.value


def failures(user):
    return CheckinCodeAttempt.objects.get(user=user).failures


def test_a_code_without_a_session_finds_its_open_session(setup):
    session, trainee = setup
    tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at + timedelta(minutes=1)

    attendance = checkin_by_code_record(
        user=trainee, code=code_at(session, now - timedelta(minutes=1)), now=now
    )

    assert attendance.session == session
    assert attendance.method == Attendance.Method.FALLBACK_CODE
    assert attendance.status == S.PRESENT


def test_a_code_shared_by_two_sessions_goes_to_the_trainees_course(setup, monkeypatch):
    session, trainee = setup
    tree.session(starts_at=session.starts_at - timedelta(minutes=5), title="外区课程")
    now = session.starts_at
    monkeypatch.setattr(checkin_service, "checkin_code", lambda *, session_id, period: "424242")

    attendance = checkin_by_code_record(user=trainee, code="424242", now=now)

    assert attendance.session == session


def test_a_code_without_a_session_refuses_expired_and_unknown_codes(setup):
    session, trainee = setup
    now = session.starts_at

    expired = code_at(session, now - timedelta(minutes=5))
    assert by_code_refusal(user=trainee, code=expired, now=now).code == "expired"
    [unknown] = wrong_codes(1, session, moment=now)
    assert by_code_refusal(user=trainee, code=unknown, now=now).code == "invalid"
    assert not Attendance.objects.exists()


def test_a_code_of_a_course_the_trainee_is_not_in_is_not_a_wrong_code(setup):
    session, trainee = setup
    elsewhere = tree.session(starts_at=session.starts_at, title="外区课程")
    now = session.starts_at

    error = by_code_refusal(user=trainee, code=code_at(elsewhere, now), now=now)

    assert error.code == "not_enrolled"
    assert failures(trainee) == 0


def test_right_code_after_ten_wrong_ones_is_refused_and_marks_nothing(setup):
    session, trainee = setup
    now = session.starts_at

    for wrong in wrong_codes(10, session, moment=now):
        assert by_code_refusal(user=trainee, code=wrong, now=now).code == "invalid"
    error = by_code_refusal(user=trainee, code=code_at(session, now), now=now)

    assert error.code == "too_many_attempts"
    assert not Attendance.objects.exists()
    assert failures(trainee) == 10


def test_other_session_and_expired_codes_count_as_wrong_codes(setup):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at + timedelta(minutes=20)
    expired = [code_at(session, now - timedelta(minutes=m)) for m in range(2, 9)]
    unknown = wrong_codes(2, session, other, moment=now)

    other_code = code_at(other, now)
    assert refusal(session=session, user=trainee, code=other_code, now=now).code == (
        "other_session"
    )
    for code in expired[:4]:
        assert refusal(session=session, user=trainee, code=code, now=now).code == "expired"
    for code in expired[4:]:
        assert by_code_refusal(user=trainee, code=code, now=now).code == "expired"
    for code in unknown:
        assert by_code_refusal(user=trainee, code=code, now=now).code == "invalid"

    assert failures(trainee) == 10
    error = refusal(session=session, user=trainee, code=code_at(session, now), now=now)
    assert error.code == "too_many_attempts"


def test_another_sessions_code_on_a_sessions_page_counts(setup):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at

    error = refusal(session=session, user=trainee, code=code_at(other, now), now=now)

    assert error.code == "other_session"
    assert failures(trainee) == 1


def test_the_limit_is_per_trainee_across_sessions(setup):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    neighbour = ef.enrollment(course=session.course).user
    now = session.starts_at

    for wrong in wrong_codes(10, session, other, moment=now):
        refusal(session=other, user=trainee, code=wrong, now=now)

    error = refusal(session=session, user=trainee, code=code_at(session, now), now=now)
    assert error.code == "too_many_attempts"
    attendance = checkin_record(
        session=session, user=neighbour, code=code_at(session, now), now=now
    )
    assert attendance.enrollment.user == neighbour


def test_after_the_window_the_trainee_may_try_again(setup):
    session, trainee = setup
    now = session.starts_at
    for wrong in wrong_codes(10, session, moment=now):
        by_code_refusal(user=trainee, code=wrong, now=now)
    almost = now + timedelta(seconds=CODE_ATTEMPTS_WINDOW_SECONDS - 1)
    assert by_code_refusal(user=trainee, code=code_at(session, almost), now=almost).code == (
        "too_many_attempts"
    )

    later = now + timedelta(seconds=CODE_ATTEMPTS_WINDOW_SECONDS)
    [wrong] = wrong_codes(1, session, moment=later)
    assert by_code_refusal(user=trainee, code=wrong, now=later).code == "invalid"
    assert failures(trainee) == 1
    attendance = checkin_by_code_record(user=trainee, code=code_at(session, later), now=later)

    assert attendance.session == session
    assert attendance.method == Attendance.Method.FALLBACK_CODE


def test_qr_tokens_do_not_count_and_still_work_after_ten_wrong_codes(setup):
    session, trainee = setup
    now = session.starts_at
    forged = token_at(session, now)[:-1] + "x"
    for _ in range(CODE_ATTEMPTS_LIMIT + 1):
        assert refusal(session=session, user=trainee, token=forged, now=now).code == "invalid"
    assert not CheckinCodeAttempt.objects.filter(user=trainee).exists()

    for wrong in wrong_codes(10, session, moment=now):
        refusal(session=session, user=trainee, code=wrong, now=now)
    attendance = checkin_record(
        session=session, user=trainee, token=token_at(session, now), now=now
    )

    assert attendance.method == Attendance.Method.QR_CODE


def test_every_candidate_code_is_compared_in_constant_time(setup):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at + timedelta(minutes=5)
    current = checkin_period(now=now)
    accepted = range(current - ACCEPTED_PERIODS + 1, current + 1)
    expired = range(checkin_period(now=now - timedelta(minutes=35)), current - 1)
    candidates = {
        checkin_code(session_id=s.pk, period=p).encode() for s in (session, other) for p in accepted
    } | {checkin_code(session_id=session.pk, period=p).encode() for p in expired}
    [wrong] = wrong_codes(1, session, other, moment=now)

    with mock.patch.object(
        checkin_service.hmac, "compare_digest", wraps=hmac.compare_digest
    ) as compare:
        assert refusal(session=session, user=trainee, code=wrong, now=now).code == "invalid"

    assert {call.args for call in compare.call_args_list} >= {
        (wrong.encode(), candidate) for candidate in candidates
    }


def test_a_code_without_a_session_is_compared_with_every_open_sessions_codes(setup):
    session, trainee = setup
    other = tree.session(course=session.course, starts_at=session.starts_at, title="分会场")
    now = session.starts_at
    current = checkin_period(now=now)
    right = checkin_code(session_id=session.pk, period=current)
    candidates = {
        checkin_code(session_id=s.pk, period=p).encode()
        for s in (session, other)
        for p in range(current - ACCEPTED_PERIODS + 1, current + 1)
    }

    with mock.patch.object(
        checkin_service.hmac, "compare_digest", wraps=hmac.compare_digest
    ) as compare:
        attendance = checkin_by_code_record(user=trainee, code=right, now=now)

    assert attendance.session == session
    assert {call.args for call in compare.call_args_list} >= {
        (right.encode(), candidate) for candidate in candidates
    }


def test_eleventh_wrong_code_at_the_code_page_is_too_many(client, setup):
    session, trainee = setup
    open_now(session)
    client.force_login(trainee)
    url = reverse("attendance:checkin_by_code")
    *ten, eleventh = wrong_codes(11, session, moment=timezone.now())

    for wrong in ten:
        page = client.post(url, {"code": wrong}, follow=True)
        assert "签到码无效" in page.text
    page = client.post(url, {"code": eleventh}, follow=True)

    assert page.redirect_chain == [(url, 302)]
    assert "签到码输错次数过多" in page.text
    assert failures(trainee) == 10
    assert not Attendance.objects.exists()


def test_wrong_codes_on_a_sessions_page_and_the_code_page_add_up(client, setup):
    session, trainee = setup
    open_now(session)
    client.force_login(trainee)
    codes = wrong_codes(10, session, moment=timezone.now())
    session_page = reverse("attendance:checkin", args=[session.pk])

    for wrong in codes[:5]:
        client.post(session_page, {"code": wrong})
    for wrong in codes[5:]:
        client.post(reverse("attendance:checkin_by_code"), {"code": wrong})
    page = client.post(session_page, {"code": code_at(session, timezone.now())}, follow=True)

    assert "签到码输错次数过多" in page.text
    assert failures(trainee) == 10
    assert not Attendance.objects.exists()


def test_the_code_page_takes_only_six_digits(client, setup):
    session, trainee = setup
    open_now(session)
    client.force_login(trainee)

    page = client.post(reverse("attendance:checkin_by_code"), {"code": "12345a"})

    assert page.status_code == 200
    assert "请输入屏幕上的六位数字签到码" in page.text
    assert not CheckinCodeAttempt.objects.exists()


CHILD_TRIES = """
import sys
from datetime import datetime

import django

django.setup()

from django.contrib.auth import get_user_model

from academy.errors import RuleViolation
from enrollments.services.checkin import checkin_by_code_record

user = get_user_model().objects.get(pk=int(sys.argv[1]))
now = datetime.fromisoformat(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
for code in sys.argv[3:]:
    try:
        checkin_by_code_record(user=user, code=code, now=now)
    except RuleViolation as refusal:
        print(refusal.code)
"""


def child_command(trainee, now, codes) -> list[str]:
    return [sys.executable, "-c", CHILD_TRIES, str(trainee.pk), now.isoformat(), *codes]


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: a second process cannot share the SQLite test database",
)


@needs_postgresql
def test_wrong_codes_count_across_processes(transactional_db, setup):
    session, trainee = setup
    now = session.starts_at
    codes = wrong_codes(10, session, moment=now)

    child = subprocess.run(  # noqa: S603
        child_command(trainee, now, codes[:6]),
        env=child_env(),
        cwd=django_settings.BASE_DIR,
        input="go\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert child.stdout.split() == ["ready"] + ["invalid"] * 6
    assert failures(trainee) == 6
    for wrong in codes[6:]:
        assert by_code_refusal(user=trainee, code=wrong, now=now).code == "invalid"
    error = by_code_refusal(user=trainee, code=code_at(session, now), now=now)
    assert error.code == "too_many_attempts"
    assert not Attendance.objects.exists()


@needs_postgresql
def test_wrong_codes_typed_at_once_in_two_processes_are_all_counted(transactional_db, setup):
    session, trainee = setup
    now = session.starts_at
    codes = wrong_codes(10, session, moment=now)
    children = [
        subprocess.Popen(  # noqa: S603
            child_command(trainee, now, share),
            env=child_env(),
            cwd=django_settings.BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for share in (codes[:5], codes[5:])
    ]
    for child in children:
        assert child.stdout.readline() == "ready\n"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=120)[0] for child in children]

    assert [output.split() for output in outputs] == [["invalid"] * 5, ["invalid"] * 5]
    assert failures(trainee) == 10
    error = by_code_refusal(user=trainee, code=code_at(session, now), now=now)
    assert error.code == "too_many_attempts"
