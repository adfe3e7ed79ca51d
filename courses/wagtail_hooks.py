from wagtail import hooks
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .exam_admin import ExamPermissionPolicy, ExamViewSet
from .models import CourseCatalogPage, Exam, Question
from .permissions import (
    CourseTreePagePermissionPolicy,
    CourseTreePageViewSet,
    QuestionPermissionPolicy,
)
from .roles import catalog_page_permissions_sync
from .viewsets import QuestionBankViewSetGroup

# Registered before any admin view asks for the page policy.
register_permission_policy(Page, CourseTreePagePermissionPolicy())
register_permission_policy(Question, QuestionPermissionPolicy(Question))
register_permission_policy(Exam, ExamPermissionPolicy(Exam))


@hooks.register("after_create_page")
def grant_trainer_permissions_on_new_catalog(request, page):
    if isinstance(page.specific, CourseCatalogPage):
        catalog_page_permissions_sync()


@hooks.register("register_admin_viewset")
def register_page_explorer():
    # After Wagtail's own base page viewset (order -1), so this one lists every page.
    return CourseTreePageViewSet(model=Page)


@hooks.register("register_admin_viewset")
def register_exams():
    return ExamViewSet()


register_snippet(QuestionBankViewSetGroup)
