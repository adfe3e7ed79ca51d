"""Hours from live online sessions are online hours: the policy's online cap counts them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from academy.models import QualificationLevel
from courses.models import ClassSession
from enrollments.models import Attendance, ContinuingEducationPolicy, HourEntry
from enrollments.selectors.hours import hours_summary, hours_summary_rows
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

LIVE = HourEntry.Source.LIVE_ONLINE_SESSION
CLASSROOM = HourEntry.Source.CLASSROOM_SESSION
ONLINE = HourEntry.Source.ONLINE_LESSON


@pytest.fixture
def capped_trainee():
    ContinuingEducationPolicy.objects.filter(qualification_level="intermediate").update(
        online_hours_cap=Decimal("5")
    )
    today = timezone.localdate()
    return factories.trainee(
        full_name="周敏",
        qualification_level=QualificationLevel.INTERMEDIATE,
        registration_date=today - timedelta(days=100),
    )


def _live_session(course, hours="3"):
    return tree.session(
        course=course,
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.tencent.com/dm/abc",
        hours=hours,
        starts_at=timezone.now() - timedelta(days=1),
    )


def test_a_live_online_session_credits_online_hours_and_a_classroom_session_does_not(
    capped_trainee,
):
    course = tree.course()
    enrollment = ef.enrollment(course=course, user=capped_trainee)
    live = _live_session(course)
    classroom = tree.session(course=course, starts_at=timezone.now() - timedelta(days=2))

    ef.attendance(session=live, enrollment=enrollment)
    ef.attendance(session=classroom, enrollment=enrollment)

    assert HourEntry.objects.get(session=live).source == LIVE
    assert HourEntry.objects.get(session=classroom).source == CLASSROOM


def test_correcting_a_live_online_mark_corrects_the_online_entry(capped_trainee):
    course = tree.course()
    enrollment = ef.enrollment(course=course, user=capped_trainee)
    live = _live_session(course, hours="4")
    ef.attendance(session=live, enrollment=enrollment)

    ef.attendance(session=live, enrollment=enrollment, status=Attendance.Status.LEFT_EARLY)

    entries = HourEntry.objects.filter(session=live)
    assert {e.source for e in entries} == {LIVE}
    assert entries.aggregate(net=Sum("hours"))["net"] == Decimal("2.0")


def test_live_online_hours_count_against_the_online_cap_in_the_cycle(
    client, admin_user, capped_trainee
):
    course = tree.course()
    enrollment = ef.enrollment(course=course, user=capped_trainee)
    ef.attendance(session=_live_session(course, hours="3"), enrollment=enrollment)
    ef.hour_entry(user=capped_trainee, hours="4", date=timezone.localdate(), source=ONLINE)
    ef.hour_entry(user=capped_trainee, hours="2", date=timezone.localdate(), source=CLASSROOM)

    cycle = hours_summary(user=capped_trainee, today=timezone.localdate()).cycle

    assert cycle.online == Decimal("7")
    assert cycle.online_counted == Decimal("5")
    assert cycle.other == Decimal("2")
    assert cycle.earned == Decimal("7")

    client.cookies["academy_language"] = "en"
    client.force_login(capped_trainee)
    page = client.get(reverse("enrollments:dashboard")).content.decode()
    assert "7.0 / 90.0" in page
    assert re.search(r"Online hours count up to 5\.0 per cycle \(you have 7(\.0)?\)\.", page)

    client.force_login(admin_user)
    ledger = client.get(reverse("enrollments_admin:trainee_ledger", args=[capped_trainee.pk]))
    assert re.search(r"online 7(\.0)?, counted up to 5\.0", ledger.content.decode())


def test_the_hours_summary_export_puts_live_online_hours_in_the_online_column(capped_trainee):
    course = tree.course()
    enrollment = ef.enrollment(course=course, user=capped_trainee)
    ef.attendance(session=_live_session(course, hours="3"), enrollment=enrollment)
    today = timezone.localdate()

    (row,) = hours_summary_rows(date_from=today - timedelta(days=7), date_to=today)

    _name, _phone, _org, online, classroom, _external, _adjustment, total = row
    assert (online, classroom, total) == (Decimal("3.0"), Decimal("0"), Decimal("3.0"))
