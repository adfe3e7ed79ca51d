"""The catalogue finds a page below it in one lookup by its URL path."""

import pytest

from tests.courses import factories

pytestmark = pytest.mark.django_db


def test_each_level_below_the_catalogue_is_served(client):
    curriculum = factories.curriculum(slug="newcomer")
    course = factories.course(parent=curriculum, slug="casework")
    lesson = factories.lesson(parent=course, slug="intake", title="接案与初次会谈")

    for page in (curriculum, course, lesson):
        response = client.get(page.url)
        assert response.status_code == 200
        assert response.context["page"].specific == page


def test_the_same_slug_in_two_curricula_leads_to_each_page(client):
    first = factories.course(parent=factories.curriculum(slug="newcomer"), slug="ethics")
    second = factories.course(parent=factories.curriculum(slug="topics"), slug="ethics")

    assert client.get("/courses/newcomer/ethics/").context["page"].pk == first.pk
    assert client.get("/courses/topics/ethics/").context["page"].pk == second.pk


def test_unpublished_unknown_and_too_deep_addresses_are_not_found(client):
    course = factories.course(parent=factories.curriculum(slug="newcomer"), slug="casework")
    draft = factories.lesson(parent=course, slug="draft")
    draft.unpublish()

    assert client.get("/courses/newcomer/casework/draft/").status_code == 404
    assert client.get("/courses/newcomer/missing/").status_code == 404
    assert client.get("/courses/newcomer/casework/draft/extra/").status_code == 404


def test_a_lesson_is_found_in_as_many_page_lookups_as_a_curriculum(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    curriculum = factories.curriculum(slug="newcomer")
    lesson = factories.lesson(parent=factories.course(parent=curriculum), slug="intake")

    def url_path_lookups(url):
        client.get(url)
        cache.clear()  # routed afresh, not from the route cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q for q in queries.captured_queries if '"url_path" =' in q["sql"]]

    assert len(url_path_lookups(lesson.url)) == len(url_path_lookups(curriculum.url)) == 1
