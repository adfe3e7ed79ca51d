"""The cached parts of the pages never outlive a change: publish, unpublish, move,
view restrictions, sessions, and each language its own."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from academy.page_cache import pages_generation
from tests.academy import factories as people
from tests.courses import factories
from tests.enrollments import factories as enrolment

pytestmark = pytest.mark.django_db


def warm(client, url) -> str:
    """The page twice: the second answer comes from the caches."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_publishing_a_lesson_change_shows_the_new_body_on_the_next_request(client):
    course = factories.course()
    lesson = factories.lesson(parent=course, body="## 旧的正文\n\n第一版。")
    assert "第一版" in warm(client, lesson.url)

    lesson.body = "## 新的正文\n\n第二版。"
    lesson.save_revision().publish()

    body = client.get(lesson.url).content.decode()
    assert "第二版" in body
    assert "第一版" not in body


def test_a_draft_is_not_shown_until_it_is_published(client):
    lesson = factories.lesson(parent=factories.course(), body="已发布的正文。")
    warm(client, lesson.url)
    lesson.body = "草稿正文。"
    lesson.save_revision()

    assert "草稿正文" not in client.get(lesson.url).content.decode()
    lesson.get_latest_revision().publish()
    assert "草稿正文" in client.get(lesson.url).content.decode()


def test_a_new_sibling_appears_in_the_lesson_list_and_on_the_course_page(client):
    course = factories.course()
    lesson = factories.lesson(parent=course, title="第一课")
    warm(client, lesson.url)
    warm(client, course.url)

    factories.lesson(parent=course, title="新加的一课")

    assert "新加的一课" in client.get(lesson.url).content.decode()
    assert "新加的一课" in client.get(course.url).content.decode()


def test_an_unpublished_lesson_is_gone_on_the_next_request(client):
    course = factories.course()
    lesson = factories.lesson(parent=course, title="将撤下的一课")
    warm(client, lesson.url)
    assert "将撤下的一课" in warm(client, course.url)

    lesson.unpublish()

    assert client.get(lesson.url).status_code == 404
    assert "将撤下的一课" not in client.get(course.url).content.decode()


def test_a_moved_lesson_is_served_at_its_new_address_only(client):
    first = factories.course(title="第一门课")
    second = factories.course(title="第二门课")
    lesson = factories.lesson(parent=first, slug="moving")
    old_url = lesson.url
    warm(client, old_url)

    lesson.move(second, pos="last-child")
    lesson.refresh_from_db()

    # Wagtail's automatic redirect, not the page from a stale route.
    moved = client.get(old_url)
    assert moved.status_code == 301
    assert moved["Location"].endswith(lesson.url)
    body = warm(client, lesson.url)
    assert "第二门课" in body
    assert "第一门课" not in body


def test_a_view_restriction_added_later_applies_on_the_next_request(client):
    course = factories.course()
    lesson = factories.lesson(parent=course)
    warm(client, lesson.url)

    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={lesson.url}")


def test_a_changed_session_shows_on_the_course_page(client):
    course = factories.course()
    session = factories.session(course=course, title="原来的面授课")
    assert "原来的面授课" in warm(client, course.url)

    session.title = "改名后的面授课"
    session.save()

    assert "改名后的面授课" in client.get(course.url).content.decode()


def test_each_language_has_its_own_fragments(client):
    course = factories.course()
    lesson = factories.lesson(parent=course)
    factories.lesson(parent=course)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = warm(client, lesson.url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = warm(client, lesson.url)

    assert "All lessons" in english
    assert "All lessons" not in chinese


def test_every_page_change_starts_a_new_generation():
    before = pages_generation()
    course = factories.course()
    after_publish = pages_generation()
    course.unpublish()

    assert before < after_publish < pages_generation()


def test_a_cached_page_reads_only_its_own_row_and_the_visitors_part(client):
    course = factories.course(sessions=3)
    lesson = factories.lesson(parent=course)
    trainee = people.trainee()
    enrolment.enrollment(course=course, user=trainee)
    client.force_login(trainee)
    warm(client, lesson.url)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(lesson.url).status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)

    for shared in ("courses_lessonattachment", "courses_lessonimage", "wagtailcore_site"):
        assert shared not in tables
    assert "wagtailcore_pageviewrestriction" not in tables


def test_the_cache_is_what_makes_the_warm_page_cheap(client):
    lesson = factories.lesson(parent=factories.course())
    warm(client, lesson.url)
    with CaptureQueriesContext(connection) as warm_queries:
        client.get(lesson.url)
    cache.clear()
    with CaptureQueriesContext(connection) as cold_queries:
        client.get(lesson.url)

    assert len(warm_queries) < len(cold_queries)
