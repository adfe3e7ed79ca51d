"""No session is marked, and no class-hours credited, before its attendance opens (the
attendance rules' minutes before its start), whichever way attendance is taken."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from academy.errors import RuleViolation
from courses.models import ClassSession
from enrollments.models import Attendance, AttendanceRule, CheckinCodeAttempt, HourEntry
from enrollments.services.attendance import attendance_roll_call_mark, walk_in_enroll
from enrollments.services.attendance_import import attendance_import, attendance_sheet_read
from enrollments.services.checkin import (
    checkin_by_code_record,
    checkin_code,
    checkin_period,
    checkin_record,
    checkin_token,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

S = Attendance.Status
PARTICIPANTS = "姓名,时长\n张三,170\n"


def session_starting_in(course, delta, **fields):
    starts = timezone.now().replace(microsecond=0) + delta
    return tree.session(course=course, starts_at=starts, hours="3", **fields)


@pytest.fixture
def tomorrow(taught_course):
    """A classroom session of the trainer's course that starts tomorrow, and a trainee."""
    session = session_starting_in(taught_course, timedelta(days=1))
    enrollment = ef.enrollment(course=taught_course, user=factories.trainee(full_name="张三"))
    return session, enrollment


@pytest.fixture
def soon(taught_course):
    """A session that starts in 20 minutes: inside the default 30-minute window."""
    session = session_starting_in(taught_course, timedelta(minutes=20))
    enrollment = ef.enrollment(course=taught_course, user=factories.trainee(full_name="张三"))
    return session, enrollment


def live_online(session):
    session.kind = ClassSession.Kind.LIVE_ONLINE
    session.meeting_url = "https://meeting.example/123"
    session.save()
    return session


def current_code(session):
    return checkin_code(session_id=session.pk, period=checkin_period(now=timezone.now()))


def current_token(session):
    return checkin_token(session_id=session.pk, period=checkin_period(now=timezone.now()))


def nothing_credited():
    return not Attendance.objects.exists() and not HourEntry.objects.exists()


def refused(call, **kwargs):
    with pytest.raises(RuleViolation) as info:
        call(**kwargs)
    return info.value


# Refused before the window, through each entry point


def test_roll_call_refuses_a_session_that_starts_tomorrow(tomorrow, trainer_user):
    session, enrollment = tomorrow

    refusal = refused(
        attendance_roll_call_mark,
        session=session,
        enrollment_id=enrollment.pk,
        status=S.PRESENT,
        user=trainer_user,
    )

    assert refusal.code == "not_open_yet"
    opens = timezone.localtime(session.starts_at - timedelta(minutes=30))
    assert opens.strftime("%Y-%m-%d %H:%M") in refusal.text
    assert nothing_credited()


@pytest.mark.parametrize("role", ["trainer", "administrator"])
def test_roll_call_page_says_why_and_marks_nothing(client, tomorrow, trainer_user, role):
    session, enrollment = tomorrow
    client.force_login(trainer_user if role == "trainer" else factories.administrator())

    page = client.get(reverse("attendance:roll_call", args=[session.pk]))
    assert "本次课尚未开始" in page.text
    assert 'name="status"' not in page.text
    response = client.post(
        reverse("attendance:mark", args=[session.pk]),
        {"enrollment": enrollment.pk, "status": S.PRESENT},
        follow=True,
    )

    assert "本次课尚未开始，考勤将于" in response.text
    assert nothing_credited()


def test_walk_in_is_refused_before_the_session(tomorrow, trainer_user):
    session, _enrollment = tomorrow

    refusal = refused(
        walk_in_enroll, session=session, user=trainer_user, phone="13712345678", full_name="王五"
    )

    assert refusal.code == "not_open_yet"
    assert not get_user_model().objects.filter(phone="13712345678").exists()


def test_qr_check_in_refuses_a_session_that_starts_tomorrow(client, tomorrow):
    session, enrollment = tomorrow
    token = current_token(session)

    refusal = refused(checkin_record, session=session, user=enrollment.user, token=token)
    assert refusal.code == "not_open_yet"

    client.force_login(enrollment.user)
    page = client.post(
        reverse("attendance:checkin", args=[session.pk]), {"token": token}, follow=True
    )
    assert "本次课尚未开始" in page.text
    assert nothing_credited()


def test_typed_code_refuses_a_session_that_starts_tomorrow(client, tomorrow):
    session, enrollment = tomorrow
    code = current_code(session)

    refusal = refused(checkin_record, session=session, user=enrollment.user, code=code)
    assert refusal.code == "not_open_yet"
    # The session's real code is not a wrong code, so it does not count towards the limit.
    assert not CheckinCodeAttempt.objects.filter(user=enrollment.user, failures__gt=0).exists()

    client.force_login(enrollment.user)
    page = client.post(
        reverse("attendance:checkin", args=[session.pk]), {"code": code}, follow=True
    )
    assert "本次课尚未开始" in page.text
    # Without a session, a code finds only sessions whose check-in is open.
    assert refused(checkin_by_code_record, user=enrollment.user, code=code).code == "invalid"
    assert nothing_credited()


def test_import_refuses_a_session_that_starts_tomorrow(client, tomorrow, admin_user):
    session, _enrollment = tomorrow
    live_online(session)

    refusal = refused(
        attendance_import,
        session=session,
        sheet=attendance_sheet_read(data=PARTICIPANTS.encode()),
        user=admin_user,
    )
    assert refusal.code == "not_open_yet"

    client.force_login(admin_user)
    response = client.post(
        reverse("attendance_admin:import"),
        {"session": session.pk, "file": SimpleUploadedFile("list.csv", PARTICIPANTS.encode())},
    )
    assert response.status_code == 200
    assert "本次课尚未开始" in response.context["form"].errors["session"][0]
    assert nothing_credited()


# Accepted inside the window


def test_roll_call_marks_a_session_inside_the_window(soon, trainer_user):
    session, enrollment = soon

    attendance_roll_call_mark(
        session=session, enrollment_id=enrollment.pk, status=S.PRESENT, user=trainer_user
    )

    assert Attendance.objects.get(session=session).status == S.PRESENT
    assert HourEntry.objects.get(enrollment=enrollment).hours == Decimal("3.0")


def test_qr_and_typed_code_check_in_inside_the_window(soon, taught_course):
    session, enrollment = soon
    other = ef.enrollment(course=taught_course)

    by_token = checkin_record(session=session, user=enrollment.user, token=current_token(session))
    by_code = checkin_by_code_record(user=other.user, code=current_code(session))

    assert (by_token.status, by_token.method) == (S.PRESENT, Attendance.Method.QR_CODE)
    assert (by_code.session, by_code.method) == (session, Attendance.Method.FALLBACK_CODE)
    assert HourEntry.objects.filter(session=session).count() == 2


def test_import_inside_the_window(soon, admin_user):
    session, enrollment = soon
    live_online(session)

    result = attendance_import(
        session=session, sheet=attendance_sheet_read(data=PARTICIPANTS.encode()), user=admin_user
    )

    assert result.written == 1
    assert Attendance.objects.get(enrollment=enrollment).method == Attendance.Method.IMPORT


def test_the_window_opens_exactly_its_minutes_before_the_start(soon):
    session, enrollment = soon
    opens = session.starts_at - timedelta(minutes=30)
    token_at = {
        moment: checkin_token(session_id=session.pk, period=checkin_period(now=moment))
        for moment in (opens - timedelta(seconds=1), opens)
    }

    early = opens - timedelta(seconds=1)
    refusal = refused(
        checkin_record, session=session, user=enrollment.user, token=token_at[early], now=early
    )
    assert refusal.code == "not_open_yet"
    assert nothing_credited()

    checkin_record(session=session, user=enrollment.user, token=token_at[opens], now=opens)
    assert Attendance.objects.get().checked_in_at == opens


def test_the_window_is_edited_in_the_admin_settings(client, taught_course, trainer_user):
    session = session_starting_in(taught_course, timedelta(minutes=50))
    enrollment = ef.enrollment(course=taught_course)

    def mark():
        return attendance_roll_call_mark(
            session=session, enrollment_id=enrollment.pk, status=S.PRESENT, user=trainer_user
        )

    assert refused(mark).code == "not_open_yet"

    site = Site.objects.get(is_default_site=True)
    client.force_login(factories.administrator())
    url = reverse("wagtailsettings:edit", args=["enrollments", "attendancerule", site.pk])
    form = client.get(url)
    assert 'name="attendance_opens_minutes"' in form.text
    response = client.post(
        url,
        {
            "late_share": "0.5",
            "left_early_share": "0.5",
            "attendance_opens_minutes": "60",
            "grace_minutes": "10",
            "import_present_percent": "80",
            "import_partial_percent": "50",
        },
    )
    assert response.status_code == 302
    assert AttendanceRule.for_site(site).attendance_opens_minutes == 60

    assert mark().hours_credited == Decimal("3.0")


# The trainer's check-in screen


def test_check_in_screen_says_check_in_has_not_started_before_the_window(
    client, tomorrow, trainer_user
):
    session, _enrollment = tomorrow
    client.force_login(trainer_user)
    url = reverse("attendance:checkin_screen", args=[session.pk])

    page = client.get(url)
    state = client.get(url, {"format": "json"}).json()

    assert "签到尚未开始" in page.text
    opens = timezone.localtime(session.starts_at - timedelta(minutes=30))
    assert opens.strftime("%Y-%m-%d %H:%M") in page.text
    assert 'id="att-code"' not in page.text and 'id="att-qr"' not in page.text
    assert state["checkin_window"] == "not_open"
    assert "code" not in state and "checkin_url" not in state


def test_check_in_screen_says_check_in_has_ended_after_the_session(
    client, taught_course, trainer_user
):
    session = session_starting_in(taught_course, -timedelta(hours=4))
    client.force_login(trainer_user)
    url = reverse("attendance:checkin_screen", args=[session.pk])

    page = client.get(url)

    assert "本次课的签到已结束" in page.text and 'id="att-code"' not in page.text
    assert client.get(url, {"format": "json"}).json()["checkin_window"] == "ended"


def test_check_in_screen_shows_the_code_inside_the_window(client, soon, trainer_user):
    session, _enrollment = soon
    client.force_login(trainer_user)

    state = client.get(
        reverse("attendance:checkin_screen", args=[session.pk]), {"format": "json"}
    ).json()

    assert state["checkin_window"] == "open"
    assert state["code"] == current_code(session)
