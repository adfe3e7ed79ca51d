"""The three roles and the permissions each one holds.

Groups are created by a data migration; their permissions are (re)applied after
every ``migrate`` so that models added by later migrations are covered too. The
page permissions on the course catalogue are the courses app's part
(``courses.roles``).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import pgettext_lazy
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

TRAINEE = "Trainee"
TRAINER = "Trainer"
ADMINISTRATOR = "Administrator"
ROLE_NAMES = (TRAINEE, TRAINER, ADMINISTRATOR)
# Group names are keys; people read the role's name in their language.
ROLE_LABELS = {
    TRAINEE: pgettext_lazy("role", "Trainee"),
    TRAINER: pgettext_lazy("role", "Trainer"),
    ADMINISTRATOR: pgettext_lazy("role", "Administrator"),
}


def role_label(group: Group) -> str:
    return str(ROLE_LABELS.get(group.name, group.name))


# app_label -> codenames, or app_label -> "*" for every permission of that app.
ROLE_MODEL_PERMISSIONS: dict[str, dict[str, list[str] | str]] = {
    TRAINEE: {},
    TRAINER: {
        "wagtailadmin": ["access_admin"],
        "wagtailimages": ["add_image", "change_image", "choose_image"],
        "wagtaildocs": ["add_document", "change_document", "choose_document"],
    },
    ADMINISTRATOR: {
        "wagtailadmin": ["access_admin"],
        "wagtailimages": "*",
        "wagtaildocs": "*",
        "wagtailredirects": "*",
        "wagtailforms": "*",
        "wagtailsearch": "*",
        "wagtailusers": "*",
        "wagtailcore": [
            "add_collection",
            "change_collection",
            "delete_collection",
            "view_collection",
            "add_workflow",
            "change_workflow",
            "delete_workflow",
            "add_task",
            "change_task",
            "delete_task",
            "view_task",
            "view_workflow",
        ],
        "auth": [
            "add_user",
            "change_user",
            "delete_user",
            "view_user",
        ],
        "axes": ["view_accessattempt", "delete_accessattempt"],
        "academy": "*",
        "courses": "*",
        "enrollments": "*",
        "cms_pages": "*",
    },
}

# Page permissions granted at the root page of the tree.
ROLE_PAGE_PERMISSIONS = {
    ADMINISTRATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Collection permissions granted at the root collection.
ROLE_COLLECTION_PERMISSIONS = {
    TRAINER: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
    ],
    ADMINISTRATOR: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "delete_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "delete_document"),
        ("wagtaildocs", "choose_document"),
    ],
}


def _model_permissions(spec: dict[str, list[str] | str]):
    permissions = Permission.objects.none()
    for app_label, codenames in spec.items():
        queryset = Permission.objects.filter(content_type__app_label=app_label)
        if codenames != "*":
            queryset = queryset.filter(codename__in=codenames)
        permissions = permissions | queryset
    return permissions


@transaction.atomic
def roles_sync() -> None:
    """Give each role group exactly the permissions listed above."""
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for name in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_model_permissions(ROLE_MODEL_PERMISSIONS[name]))
        if root_page is not None:
            for codename in ROLE_PAGE_PERMISSIONS.get(name, []):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        if root_collection is not None:
            for app_label, codename in ROLE_COLLECTION_PERMISSIONS.get(name, []):
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=codename
                    ),
                )


def user_has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return role in (TRAINER, ADMINISTRATOR)
    return role in user_role_names(user)


def user_role_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per user object (so once per request:
    the admin menu asks for every item). Changing the user's groups forgets them."""
    names = getattr(user, "_academy_role_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._academy_role_names = names
    return names


def user_role_names_forget(sender, instance=None, **_signal) -> None:
    if instance is not None and hasattr(instance, "_academy_role_names"):
        del instance._academy_role_names


def is_administrator(user) -> bool:
    return user_has_role(user, ADMINISTRATOR)


def is_trainer(user) -> bool:
    return user_has_role(user, TRAINER)
