from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollments.models import Attendance, HourEntry
from enrollments.services.attendance import attendance_roll_call_mark, session_attendance_lock
from enrollments.services.checkin import (
    CheckinRefused,
    checkin_code,
    checkin_period,
    checkin_record,
    checkin_token,
    checkout_record,
)
from tests import factories
from tests.enrollments import attendance_factories as af

pytestmark = pytest.mark.django_db

S = Attendance.Status


@pytest.fixture
def setup(trainer_user):
    course = af.course(trainers=[trainer_user])
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    session = af.session(course_page=course, starts_at=starts, hours="3", minutes=180)
    trainee = af.enrollment(course_page=course).user
    return session, trainee


def token_at(session, moment):
    return checkin_token(session_id=session.pk, period=checkin_period(now=moment))


def code_at(session, moment):
    return checkin_code(session_id=session.pk, period=checkin_period(now=moment))


def refusal(**kwargs):
    with pytest.raises(CheckinRefused) as info:
        checkin_record(**kwargs)
    return info.value


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
    other = af.session(course_page=session.course, starts_at=session.starts_at, title="分会场")
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
        == "outside_window"
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
    with pytest.raises(CheckinRefused):
        checkout_record(session=session, user=trainee, now=now + timedelta(minutes=61))


def test_check_out_at_the_end_keeps_present(setup):
    session, trainee = setup
    now = session.starts_at
    checkin_record(session=session, user=trainee, token=token_at(session, now), now=now)

    attendance = checkout_record(session=session, user=trainee, now=session.ends_at)

    assert attendance.status == S.PRESENT
    assert sum(entry.hours for entry in HourEntry.objects.all()) == Decimal("3.0")


def test_trainer_can_correct_a_check_in(setup, trainer_user):
    session, trainee = setup
    now = session.starts_at
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
    assert "已经签到" in again.text or "already checked in" in again.text
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

    page = client.get(reverse("attendance:checkin_screen", args=[session.pk]))
    state = client.get(
        reverse("attendance:checkin_screen", args=[session.pk]), {"format": "json"}
    ).json()

    assert page.status_code == 200
    assert "<svg" in page.text
    assert state["code"] in (
        code_at(session, timezone.now()),
        code_at(session, timezone.now() - timedelta(minutes=1)),
    )
    assert f"?t={session.pk}." in state["checkin_url"]
