"""Trainers' page permissions on the course catalogue (courses.roles)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from wagtail.models import GroupPagePermission

from academy.roles import ADMINISTRATOR, TRAINER
from courses.roles import catalog_page_permissions_sync
from tests.courses import factories

pytestmark = pytest.mark.django_db


def catalog_codenames(group_name: str, catalog) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group__name=group_name, page=catalog).values_list(
            "permission__codename", flat=True
        )
    )


def test_trainers_add_and_change_pages_below_the_catalogue():
    catalog = factories.catalog_page()

    assert catalog_codenames(TRAINER, catalog) == {"add_page", "change_page"}
    assert catalog_codenames(ADMINISTRATOR, catalog) == set()


def test_migrate_restores_the_catalogue_permissions():
    catalog = factories.catalog_page()
    GroupPagePermission.objects.filter(page=catalog).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert catalog_codenames(TRAINER, catalog) == {"add_page", "change_page"}


def test_granting_again_adds_nothing():
    catalog = factories.catalog_page()

    catalog_page_permissions_sync()
    catalog_page_permissions_sync()

    trainers = Group.objects.get(name=TRAINER)
    assert GroupPagePermission.objects.filter(group=trainers, page=catalog).count() == 2
