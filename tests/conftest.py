import os

import pytest
from django.conf import settings

from tests import factories


def pytest_collection_modifyitems(config, items):
    """In CI every service must be there: a test that would skip fails instead."""
    if not os.environ.get("ACADEMY_REQUIRE_SERVICES"):
        return
    if not settings.REDIS_URL:
        raise pytest.UsageError("ACADEMY_REQUIRE_SERVICES is set but REDIS_URL is not.")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory(name="阳光社会工作服务中心")


@pytest.fixture
def trainee_user(db, organization):
    return factories.trainee(full_name="李晓明")


@pytest.fixture
def trainer_user(db):
    return factories.trainer(full_name="陈立群")


@pytest.fixture
def admin_user(db):
    return factories.administrator(full_name="王海燕")


@pytest.fixture
def home_page(db):
    from academy.demo import seed_site

    return seed_site()
