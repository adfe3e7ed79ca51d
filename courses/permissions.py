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
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from academy.roles import is_administrator

from .models import CourseCatalogPage, CoursePage, Exam, QuestionBank


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


def trainer_bank_ids(user) -> frozenset[int]:
    """The question banks a trainer edits: those of the papers their exam-preparation
    courses prepare for, and those their courses' exams draw from. Remembered for the
    request."""
    cached = getattr(user, "_trainer_bank_ids", None)
    if cached is None:
        taught = CoursePage.objects.filter(trainers=user)
        papers = taught.exclude(exam_paper="").values("exam_paper")
        cached = frozenset(
            QuestionBank.objects.filter(paper__subject__in=papers).values_list("pk", flat=True)
        ) | frozenset(Exam.objects.filter(course__in=taught).values_list("bank_id", flat=True))
        user._trainer_bank_ids = cached
    return cached


def question_banks_for_user(user):
    """Banks whose questions the user may list and edit."""
    if not user.is_active or user.is_anonymous:
        return QuestionBank.objects.none()
    if user_manages_courses(user):
        return QuestionBank.objects.all()
    return QuestionBank.objects.filter(pk__in=trainer_bank_ids(user))


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Administrators manage every question; a trainer of an exam-preparation course adds
    and edits the questions of the banks named by ``trainer_bank_ids`` (the views narrow
    the list and the objects to those banks). Nobody but an administrator deletes one."""

    TRAINER_ACTIONS = frozenset({"add", "change", "view"})

    def _is_bank_trainer(self, user) -> bool:
        return bool(user.is_active and not user.is_anonymous and trainer_bank_ids(user))

    def user_has_permission(self, user, action):
        if user.is_active and not user.is_anonymous and user_manages_courses(user):
            return True
        return action in self.TRAINER_ACTIONS and self._is_bank_trainer(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user_manages_courses(user) or instance.bank_id in trainer_bank_ids(user)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        if user_manages_courses(user):
            return self.model._default_manager.all()
        return self.model._default_manager.filter(bank_id__in=trainer_bank_ids(user))
