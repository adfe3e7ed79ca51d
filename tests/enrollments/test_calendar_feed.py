import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from courses.models import ClassSession
from enrollments.models import CalendarFeedToken, Enrollment
from enrollments.selectors.calendar_feed import calendar_feed_token_live
from enrollments.services.calendar_feed import (
    calendar_feed_token_create,
    calendar_feed_token_revoke,
)
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories

pytestmark = pytest.mark.django_db


def feed_url(token: CalendarFeedToken) -> str:
    return reverse("enrollments:personal_calendar", args=[token.key])


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_lists_only_the_owners_sessions_with_a_seat(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://academy.example.org"
    trainee = people.trainee()
    statuses = {
        "在读课": Enrollment.Status.ACTIVE,
        "已结业课": Enrollment.Status.COMPLETED,
        "待审课": Enrollment.Status.PENDING,
        "候补课": Enrollment.Status.WAITLISTED,
        "退出课": Enrollment.Status.WITHDRAWN,
        "未通过课": Enrollment.Status.REJECTED,
    }
    for title, status in statuses.items():
        course = tree.course(title=title)
        tree.session(course=course, title="面授")
        factories.enrollment(course=course, user=trainee, status=status)
    live_course = tree.course(title="线上课")
    tree.session(
        course=live_course,
        title="直播",
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.example/room/9",
    )
    factories.enrollment(course=live_course, user=trainee)
    others = tree.course(title="别人的课")
    tree.session(course=others, title="面授")
    factories.enrollment(course=others, status=Enrollment.Status.ACTIVE)
    token = calendar_feed_token_create(user=trainee)

    found = events(client.get(feed_url(token), HTTP_HOST="localhost"))

    assert set(found) == {"在读课 · 面授", "已结业课 · 面授", "线上课 · 直播"}
    classroom = found["在读课 · 面授"]
    assert str(classroom["LOCATION"]) == "社会工作服务大楼 301 教室"
    assert str(classroom["URL"]).startswith("https://academy.example.org/")
    live = found["线上课 · 直播"]
    assert str(live["LOCATION"]) == "https://meeting.example/room/9"
    assert "https://meeting.example/room/9" in str(live["DESCRIPTION"])
    assert str(live["UID"]).startswith("class-session-")


def test_the_feed_of_a_trainee_with_no_sessions_is_still_a_valid_calendar(client):
    token = calendar_feed_token_create(user=people.trainee())

    response = client.get(feed_url(token))

    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT") == []
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_revoked_or_unknown_key_is_not_found(client):
    trainee = people.trainee()
    course = tree.course(sessions=1)
    factories.enrollment(course=course, user=trainee)
    first = calendar_feed_token_create(user=trainee)
    assert client.get(feed_url(first)).status_code == 200

    second = calendar_feed_token_create(user=trainee)

    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    assert calendar_feed_token_revoke(user=trainee) == 1
    assert client.get(feed_url(second)).status_code == 404
    assert client.head(feed_url(second)).status_code == 404
    unknown = reverse("enrollments:personal_calendar", args=["x" * 43])
    assert client.get(unknown).status_code == 404
    assert calendar_feed_token_live(user=trainee) is None


def test_an_inactive_trainee_has_no_feed(client):
    trainee = people.trainee()
    token = calendar_feed_token_create(user=trainee)
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])

    assert client.get(feed_url(token)).status_code == 404


def test_one_live_link_per_trainee_and_each_key_is_new():
    trainee = people.trainee()
    keys = {calendar_feed_token_create(user=trainee).key for _ in range(3)}

    assert len(keys) == 3
    assert all(len(key) >= 40 for key in keys)
    assert CalendarFeedToken.objects.filter(user=trainee, revoked_at__isnull=True).count() == 1
    assert CalendarFeedToken.objects.filter(user=trainee).count() == 3


def test_the_feed_answers_head_and_conditional_get_and_is_private(client):
    trainee = people.trainee()
    course = tree.course(sessions=1)
    factories.enrollment(course=course, user=trainee)
    url = feed_url(calendar_feed_token_create(user=trainee))

    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    response = client.get(url)
    assert "private" in response["Cache-Control"]
    assert head["ETag"] == response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304

    other = tree.course(title="新报名的课", sessions=1)
    factories.enrollment(course=other, user=trainee)
    changed = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert "新报名的课 · 第 1 次课" in events(changed)


def count_feed_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_feed_issues_a_fixed_number_of_queries(client):
    small = people.trainee()
    course = tree.course(sessions=1)
    factories.enrollment(course=course, user=small)
    small_url = feed_url(calendar_feed_token_create(user=small))
    client.get(small_url)  # the site's root paths are cached from here on
    small_count = count_feed_queries(client, small_url)

    large = people.trainee()
    for _ in range(5):
        course = tree.course(sessions=4)
        factories.enrollment(course=course, user=large)
    large_url = feed_url(calendar_feed_token_create(user=large))
    large_count = count_feed_queries(client, large_url)

    assert len(events(client.get(large_url))) == 20
    assert large_count == small_count
    assert small_count <= 4


def test_the_trainee_makes_and_revokes_their_link_from_the_dashboard():
    trainee = people.trainee()
    client = Client(enforce_csrf_checks=True)
    create = reverse("enrollments:calendar_link_create")
    revoke = reverse("enrollments:calendar_link_revoke")

    assert Client().post(create).status_code == 302  # to the login page
    assert not CalendarFeedToken.objects.exists()
    client.force_login(trainee)
    assert client.get(create).status_code == 405
    assert client.post(create).status_code == 403, "a POST without the CSRF token is refused"

    page = client.get(reverse("enrollments:dashboard"))
    assert "calendar-feed-url" not in page.content.decode()
    token = page.context["csrf_token"]
    response = client.post(create, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert response["Location"].endswith("#calendar")
    live = calendar_feed_token_live(user=trainee)
    assert live is not None

    html = client.get(reverse("enrollments:dashboard")).content.decode()
    assert f"{feed_url(live)}" in html
    assert "添加已订阅的日历" in html

    client.post(revoke, {"csrfmiddlewaretoken": str(token)})
    assert calendar_feed_token_live(user=trainee) is None
    assert client.get(feed_url(live)).status_code == 404


def test_a_trainee_cannot_revoke_another_trainees_link(client):
    owner, other = people.trainee(), people.trainee()
    token = calendar_feed_token_create(user=owner)
    client.force_login(other)

    client.post(reverse("enrollments:calendar_link_revoke"))

    assert calendar_feed_token_live(user=owner) == token
    assert client.get(feed_url(token)).status_code == 200


def test_a_feed_never_shows_sessions_of_a_course_that_is_no_longer_live(client):
    trainee = people.trainee()
    course = tree.course(title="下线课", sessions=1)
    factories.enrollment(course=course, user=trainee)
    token = calendar_feed_token_create(user=trainee)
    course.unpublish()

    assert events(client.get(feed_url(token))) == {}
