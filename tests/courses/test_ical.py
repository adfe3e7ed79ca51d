from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import ClassSession
from tests.academy import factories as people
from tests.courses import factories


@pytest.mark.django_db
def test_course_calendar_parses_and_lists_every_session(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://academy.example.org"
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

    response = client.get(reverse("courses:course_ical", args=[course.pk]), HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"class-session-{classroom.pk}@calendar.academy",
        f"class-session-{live.pk}@calendar.academy",
    }
    first = events[f"class-session-{classroom.pk}@calendar.academy"]
    assert str(first["SUMMARY"]) == "个案工作入门 · 会谈技巧演练"
    assert first.decoded("DTSTART") == starts
    assert first.decoded("DTEND") == starts + timedelta(hours=3)
    assert str(first["LOCATION"]) == "社会工作服务大楼 301 教室"
    assert "陈立群" in str(first["DESCRIPTION"])
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    course_url = "https://academy.example.org" + course.get_url_parts()[2]
    for event in events.values():
        assert str(event["URL"]) == course_url
        assert course_url in str(event["DESCRIPTION"])
    second = events[f"class-session-{live.pk}@calendar.academy"]
    assert str(second["LOCATION"]) == "https://meeting.example/room/1"
    assert "https://meeting.example/room/1" in str(second["DESCRIPTION"])
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


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


@pytest.mark.django_db
def test_calendar_of_a_course_with_no_sessions_is_valid(client):
    course = factories.course(title="政策法规专题")
    assert not course.sessions.exists()

    response = client.get(reverse("courses:course_ical", args=[course.pk]))

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert calendar.subcomponents, "RFC 5545 needs at least one component"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert calendar.walk("VEVENT") == []
    assert str(calendar["NAME"]) == "政策法规专题"
    assert str(calendar["X-WR-CALNAME"]) == "政策法规专题"


@pytest.mark.django_db
def test_event_uids_do_not_depend_on_the_host(client, settings):
    course = factories.course(sessions=2)
    url = reverse("courses:course_ical", args=[course.pk])

    def uids(host: str) -> set[str]:
        settings.ALLOWED_HOSTS = ["*"]
        response = client.get(url, HTTP_HOST=host)
        return {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}

    first = uids("academy.example.org")
    settings.WAGTAILADMIN_BASE_URL = "https://mirror.example.net"
    assert uids("mirror.example.net") == first
    assert {uid.split("@")[1] for uid in first} == {"calendar.academy"}
    settings.ACADEMY_CALENDAR_UID_DOMAIN = "training.district.example"
    assert {uid.split("@")[1] for uid in uids("localhost")} == {"training.district.example"}


@pytest.mark.django_db
def test_calendar_answers_head_and_conditional_get(client):
    course = factories.course(sessions=1)
    url = reverse("courses:course_ical", args=[course.pk])

    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"].startswith("text/calendar")

    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert head["ETag"] == etag
    assert client.get(url).content == response.content, "the same sessions give the same bytes"

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert client.post(url).status_code == 405

    session = course.sessions.get()
    session.place = "新教室 502"
    session.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
