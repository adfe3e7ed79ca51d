"""Trainers write only in the courses they teach; administrators manage everything.

The Trainer group holds add and change permissions on the course catalogue (see
``academy.roles``) so that the admin lets trainers in at all; the tester below
narrows that to the courses whose ``trainers`` include the user, and to the
lessons below them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, PagePermissionTester

from academy.roles import is_administrator

from .models import CoursePage, CurriculumPage, LessonPage

WRITE_ACTIONS = frozenset({"add", "change", "publish", "bulk_delete", "lock", "unlock"})


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


def user_teaches_page(user, page: Page) -> bool:
    """True for a course the user teaches and for any page below it."""
    return any(page.path.startswith(path) for path in trainer_course_paths(user))


class CourseTreePermissionTester(PagePermissionTester):
    """Removes write actions from trainers outside the courses they teach.

    The page decides through ``trainer_can_write(user)``.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user_manages_courses(user) and not page.trainer_can_write(user):
            self.permissions = self.permissions - WRITE_ACTIONS


def trainer_explorable_pages(*, pages, user):
    """Narrow an admin page listing to the courses a trainer teaches and what leads to them."""
    if not user.is_authenticated or user_manages_courses(user):
        return pages
    taught = trainer_course_paths(user)
    inside_taught = Q(pk__in=[])
    for path in taught:
        inside_taught |= Q(path__startswith=path)
    curriculum_paths = {path[: -Page.steplen] for path in taught}
    content_types = ContentType.objects.get_for_models(CurriculumPage, CoursePage, LessonPage)
    return pages.exclude(
        Q(content_type=content_types[CurriculumPage]) & ~Q(path__in=curriculum_paths)
    ).exclude(
        Q(content_type__in=[content_types[CoursePage], content_types[LessonPage]]) & ~inside_taught
    )
