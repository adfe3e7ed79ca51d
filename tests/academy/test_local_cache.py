"""The pages cache keeps what never changes under its key in the process's memory."""

import time

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from academy.local_cache import LocalFirstCache
from academy.middleware import PageRouteCacheMiddleware, _page_row
from academy.page_cache import GENERATION_KEY
from tests.courses import factories


@pytest.fixture
def shared():
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def local_cache(name: str, **options) -> LocalFirstCache:
    return LocalFirstCache(name, {"OPTIONS": {"SHARED": "default", **options}})


def test_a_second_read_comes_from_memory_and_a_new_key_from_the_shared_cache(shared):
    cache = local_cache("memory-first")
    shared.set("entry", "from the shared cache")
    assert cache.get("entry") == "from the shared cache"

    shared.delete("entry")
    shared.set("other", "another entry")

    assert cache.get("entry") == "from the shared cache"
    assert cache.get_many(["entry", "other", "absent"]) == {
        "entry": "from the shared cache",
        "other": "another entry",
    }
    assert cache.get("absent", "default") == "default"


def test_a_write_goes_to_both_and_a_delete_forgets_both(shared):
    cache = local_cache("write-both")
    cache.set("entry", [1, 2, 3], 60)
    assert shared.get("entry") == [1, 2, 3]

    cache.delete("entry")

    assert cache.get("entry") is None
    assert shared.get("entry") is None


def test_an_entry_with_no_lifetime_is_never_kept(shared):
    """A preview's fragments are written with a timeout of 0: never stored, never read."""
    cache = local_cache("no-lifetime")
    cache.set("preview", "draft", 0)

    assert cache.get("preview") is None


def test_memory_holds_a_bounded_number_of_entries_for_a_bounded_time(shared, monkeypatch):
    cache = local_cache("bounded", LOCAL_ENTRIES=2, LOCAL_SECONDS=30)
    for name in ("first", "second", "third"):
        cache.set(name, name, 3600)
    shared.clear()
    assert cache.get("first") is None
    assert cache.get("third") == "third"

    now = time.monotonic()
    monkeypatch.setattr("academy.local_cache.time.monotonic", lambda: now + 31)

    assert cache.get("third") is None


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_a_routed_page():
    lesson = factories.lesson(parent=factories.course())
    lesson.title_cached_by_a_view = "set during a request"
    entry = (_page_row(lesson), False)
    requests = [RequestFactory().get(lesson.url) for _ in range(2)]
    for request in requests:
        PageRouteCacheMiddleware._route_set(request, entry)
    first, second = (request._wagtail_route_for_request.page for request in requests)

    assert first is not second
    assert first.pk == second.pk == lesson.pk
    assert first.title == lesson.title
    assert not hasattr(first, "title_cached_by_a_view")
    assert type(first) is type(lesson)


@pytest.mark.django_db
def test_a_change_made_by_another_process_shows_on_the_next_request(client):
    """Another process publishes: the shared generation goes up, this process's memory
    still holds the old entries, and the next request reads the new row all the same."""
    lesson = factories.lesson(parent=factories.course(), body="旧的正文")
    assert "旧的正文" in client.get(lesson.url).content.decode()
    type(lesson).objects.filter(pk=lesson.pk).update(body="另一个进程发布的正文")
    caches["default"].incr(GENERATION_KEY)

    page = client.get(lesson.url).content.decode()

    assert "另一个进程发布的正文" in page
    assert "旧的正文" not in page
