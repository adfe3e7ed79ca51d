from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import ClassSession
from tests.academy import factories as people
from tests.courses import factories


@pytest.mark.django_db
def test_course_calendar_parses_and_lists_every_session(client):
    trainer = people.trainer(full_name="陈立群")
    course = factories.course(title="个案工作入门", trainers=[trainer])
    starts = timezone.now().replace(microsecond=0) + timedelta(days=7)
    classroom = factories.session(
        course=course,
        title="会谈技巧演练",
        trainer=trainer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="社会工作服务大楼 301 教室",
    )
    live = factories.session(
        course=course,
        title="线上答疑",
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.example/room/1",
        starts_at=starts + timedelta(days=7),
        ends_at=starts + timedelta(days=7, hours=2),
    )

    response = client.get(reverse("courses:course_ical", args=[course.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"class-session-{classroom.pk}@127.0.0.1",
        f"class-session-{live.pk}@127.0.0.1",
    }
    first = events[f"class-session-{classroom.pk}@127.0.0.1"]
    assert str(first["SUMMARY"]) == "个案工作入门 · 会谈技巧演练"
    assert first.decoded("DTSTART") == starts
    assert first.decoded("DTEND") == starts + timedelta(hours=3)
    assert str(first["LOCATION"]) == "社会工作服务大楼 301 教室"
    assert "陈立群" in str(first["DESCRIPTION"])
    second = events[f"class-session-{live.pk}@127.0.0.1"]
    assert str(second["URL"]) == "https://meeting.example/room/1"


@pytest.mark.django_db
def test_calendar_of_an_unpublished_or_unknown_course_is_not_found(client):
    course = factories.course(sessions=1)
    course.unpublish()

    assert client.get(reverse("courses:course_ical", args=[course.pk])).status_code == 404
    assert client.get(reverse("courses:course_ical", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_session_validation_needs_a_place_or_a_link():
    from django.core.exceptions import ValidationError

    course = factories.course()
    starts = timezone.now() + timedelta(days=1)
    session = ClassSession(
        course=course,
        title="面授",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        class_hours=2,
        kind=ClassSession.Kind.CLASSROOM,
    )
    with pytest.raises(ValidationError) as error:
        session.clean()
    assert "place" in error.value.message_dict
    session.kind = ClassSession.Kind.LIVE_ONLINE
    with pytest.raises(ValidationError) as error:
        session.clean()
    assert "meeting_url" in error.value.message_dict
    session.meeting_url = "https://meeting.example/1"
    session.ends_at = starts
    with pytest.raises(ValidationError) as error:
        session.clean()
    assert "ends_at" in error.value.message_dict
