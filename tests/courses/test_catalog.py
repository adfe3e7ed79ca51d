from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import DeliveryMode, Track
from tests.academy import factories as people
from tests.courses import factories


def course_titles(response) -> list[str]:
    return [course.title for course in response.context["courses"].object_list]


@pytest.fixture
def catalog(db):
    catalog = factories.catalog_page()
    now = timezone.now()
    newcomer = factories.curriculum(parent=catalog, track=Track.NEWCOMER, title="新人培育")
    exam = factories.curriculum(parent=catalog, track=Track.EXAM_PREP, title="考前培训")
    casework = factories.course(
        parent=newcomer,
        title="个案工作入门",
        summary="接案、预估与结案的基本流程",
        delivery_mode=DeliveryMode.BLENDED,
        sessions=1,
    )
    factories.lesson(parent=casework, title="会谈技巧", body="倾听、同理与澄清是会谈的三项基本功。")
    factories.course(
        parent=newcomer,
        title="专业伦理",
        summary="价值观与保密原则",
        delivery_mode=DeliveryMode.ONLINE,
        enrollment_opens_at=now + timedelta(days=10),
    )
    past = factories.course(
        parent=exam,
        title="综合能力精讲",
        summary="考试大纲与高频考点",
        delivery_mode=DeliveryMode.ONLINE,
        enrollment_closes_at=now - timedelta(days=1),
    )
    factories.session(course=past, days_ahead=-3)
    return catalog


def test_catalogue_lists_every_live_course(client, catalog):
    response = client.get(catalog.url)

    assert response.status_code == 200
    assert sorted(course_titles(response)) == sorted(["个案工作入门", "专业伦理", "综合能力精讲"])
    assert "新人培育" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"track": Track.NEWCOMER}, ["个案工作入门", "专业伦理"]),
        ({"track": Track.EXAM_PREP}, ["综合能力精讲"]),
        ({"track": Track.TOPIC}, []),
        ({"mode": DeliveryMode.ONLINE}, ["专业伦理", "综合能力精讲"]),
        ({"open": "1"}, ["个案工作入门"]),
        ({"upcoming": "1"}, ["个案工作入门"]),
        ({"track": Track.NEWCOMER, "mode": DeliveryMode.ONLINE}, ["专业伦理"]),
        ({"track": "nonsense"}, ["个案工作入门", "专业伦理", "综合能力精讲"]),
    ],
)
def test_catalogue_filters(client, catalog, query, expected):
    response = client.get(catalog.url, query)

    assert sorted(course_titles(response)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("专业伦理", ["专业伦理"]),
        ("高频考点", ["综合能力精讲"]),
        ("同理", ["个案工作入门"]),
        ("会谈技巧", ["个案工作入门"]),
        ("ethics", []),
    ],
)
def test_catalogue_search_covers_titles_summaries_and_lesson_text(client, catalog, text, expected):
    response = client.get(catalog.url, {"q": text})

    assert course_titles(response) == expected


def test_draft_courses_are_not_in_the_catalogue(client, catalog):
    draft = factories.course(parent=factories.curriculum(parent=catalog), title="未发布课程")
    draft.unpublish()

    assert "未发布课程" not in course_titles(client.get(catalog.url))


def count_queries(client, url) -> int:
    client.get(url)  # warm caches: site root paths, renditions, rendered Markdown
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalogue_query_count_is_the_same_for_5_and_50_courses(client, db):
    catalog = factories.catalog_page()
    curricula = [
        factories.curriculum(parent=catalog, track=track) for track in (Track.NEWCOMER, Track.TOPIC)
    ]
    trainer = people.trainer()

    def add_courses(number):
        for index in range(number):
            course = factories.course(parent=curricula[index % 2], trainers=[trainer])
            factories.session(course=course)

    add_courses(5)
    counts = {5: count_queries(client, catalog.url)}
    filtered = catalog.url + "?track=topic&open=1&upcoming=1&q=课程"
    filtered_counts = {5: count_queries(client, filtered)}
    add_courses(45)
    counts[50] = count_queries(client, catalog.url)
    filtered_counts[50] = count_queries(client, filtered)

    assert counts[5] == counts[50], counts
    assert filtered_counts[5] == filtered_counts[50], filtered_counts
    assert counts[50] <= 16
