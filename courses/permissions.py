"""Trainers work only in the courses they teach; administrators manage everything.

The Trainer group holds add and change permissions on the course catalogue (see
``courses.roles``). The page permission policy below reads that grant, for a user who
does not manage courses, as the same permissions on each course the user teaches
(``CoursePage.trainers``). Wagtail asks this one policy everywhere: the page explorer,
the editor and its tester, the admin pages API, admin search, the site history, the page
reports, workflow lists and the dashboard. So another course, its lessons and its
history stay out of sight, and the curricula above a taught course are only the way
down to it.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from academy.roles import is_administrator

from .models import CourseCatalogPage, CoursePage


def trainer_course_paths(user) -> frozenset[str]:
    """Tree paths of the courses the user teaches, remembered on the user for the request."""
    cached = getattr(user, "_taught_course_paths", None)
    if cached is None:
        cached = frozenset(CoursePage.objects.filter(trainers=user).values_list("path", flat=True))
        user._taught_course_paths = cached
    return cached


def user_manages_courses(user) -> bool:
    """Administrators (and superusers) are not narrowed to their own courses."""
    cached = getattr(user, "_manages_courses", None)
    if cached is None:
        cached = bool(user.is_superuser or is_administrator(user))
        user._manages_courses = cached
    return cached


class CourseTreePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permissions, with a catalogue grant narrowed to taught courses."""

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        if not user.is_active or user.is_anonymous or user_manages_courses(user):
            return permissions
        narrowed: list[GroupPagePermission] = []
        courses: list[Page] | None = None
        catalog_type = ContentType.objects.get_for_model(CourseCatalogPage).pk
        for permission in permissions:
            if permission.page.content_type_id != catalog_type:
                narrowed.append(permission)
                continue
            if courses is None:
                courses = list(Page.objects.filter(path__in=trainer_course_paths(user)))
            narrowed.extend(
                GroupPagePermission(
                    group_id=permission.group_id, page=course, permission=permission.permission
                )
                for course in courses
                if course.path.startswith(permission.page.path)
            )
        return narrowed


class CourseTreeExplorerView(ExplorableIndexView):
    """The explorer: a page the user may not explore is a 404 (Wagtail would otherwise
    show any page below the user's common explorable root, such as another course in a
    curriculum where the trainer teaches too)."""

    def get(self, request, parent_page_id=None):
        explorable = self.permission_policy.explorable_instances(request.user)
        if parent_page_id and not explorable.filter(pk=parent_page_id).exists():
            raise Http404
        return super().get(request, parent_page_id)


class CourseTreePageViewSet(PageViewSet):
    """Wagtail's page views, with the explorer above."""

    index_view_class = CourseTreeExplorerView
