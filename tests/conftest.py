import os

import pytest
from django.conf import settings

from tests.academy import factories as people
from tests.courses import factories as tree


def pytest_collection_modifyitems(config, items):
    _restore_migrated_data_after_transactional_tests(items)
    # In CI every service must be there: a test that would skip fails instead.
    if os.environ.get("ACADEMY_REQUIRE_SERVICES") and not settings.REDIS_URL:
        raise pytest.UsageError("ACADEMY_REQUIRE_SERVICES is set but REDIS_URL is not.")


def _restore_migrated_data_after_transactional_tests(items):
    """Transactional tests flush the database; have the migrated data (roles, the
    page tree root, the workflow) put back for the tests after them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or {
            "transactional_db",
            "live_server",
        } & set(getattr(item, "fixturenames", ()))
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session", autouse=True)
def _migrated_contents(django_db_setup, django_db_blocker):
    """The database as migrations left it, restored after each transactional test.

    It is kept on the connection class, not the connection object: threads, RQ
    workers and Playwright's event loop can leave Django with a fresh connection
    object, which would otherwise leave the next test an empty database.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            contents = connection.creation.serialize_db_to_string()
    type(connection)._test_serialized_contents = contents


@pytest.fixture
def rq_tasks(settings):
    """Tasks go to RQ on the test Redis, flushed before and after."""
    import django_rq

    from academy.settings.env import JOBS_BACKEND

    settings.TASKS = {**settings.TASKS, JOBS_BACKEND: settings.TASKS["rq"]}
    redis = django_rq.get_connection("default")
    redis.flushdb()
    yield redis
    redis.flushdb()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private"}},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sms_outbox():
    """The text messages sent by the locmem SMS backend during the test."""
    from academy import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever the last request chose."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organization(db):
    return people.OrganizationFactory(name="阳光社会工作服务中心")


@pytest.fixture
def trainee_user(db, organization):
    return people.trainee(full_name="李晓明")


@pytest.fixture
def trainer_user(db):
    return people.trainer(full_name="陈立群")


@pytest.fixture
def admin_user(db):
    return people.administrator(full_name="王海燕")


@pytest.fixture
def home_page(db):
    from cms_pages.demo import seed_site

    return seed_site()


@pytest.fixture
def taught_course(db, trainer_user):
    """A published classroom course that trainer_user teaches."""
    return tree.course(trainers=[trainer_user])
