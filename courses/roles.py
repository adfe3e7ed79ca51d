"""The roles' page permissions on the course catalogue.

``academy.roles`` gives each role its model, root-page and collection permissions;
the catalogue is a page of this app, so its part is here. Trainers add and edit
pages below the catalogue, narrowed to the courses they teach by
``courses.permissions``. The grants are applied after every ``migrate`` (see
``courses.apps``) and whenever a catalogue page is made.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

from academy.roles import TRAINER

from .models import CourseCatalogPage

ROLE_CATALOG_PAGE_PERMISSIONS = {
    TRAINER: ["add_page", "change_page"],
}


def catalog_page_permissions_grant(*, group: Group) -> None:
    """Give the group its page permissions on every course catalogue page."""
    codenames = ROLE_CATALOG_PAGE_PERMISSIONS.get(group.name, [])
    if not codenames:
        return
    permissions = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    )
    for catalog in CourseCatalogPage.objects.all():
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalog, permission=permission
            )


@transaction.atomic
def catalog_page_permissions_sync() -> None:
    """Grant the roles their page permissions on the catalogue; run when one is made."""
    for group in Group.objects.filter(name__in=ROLE_CATALOG_PAGE_PERMISSIONS):
        catalog_page_permissions_grant(group=group)
