"""Everything the app adds to the Wagtail admin, registered in one place."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from academy.access import ViewOnlyPolicy
from courses.models import LessonPage

from .admin import menus, urls
from .admin.viewsets.attendance import attendance_record_viewset
from .admin.viewsets.certificates import CertificateViewSetGroup
from .admin.viewsets.learning import LearningViewSetGroup
from .admin.viewsets.notifications import NotificationViewSetGroup
from .models import (
    Attendance,
    Certificate,
    Enrollment,
    ExternalTraining,
    HourEntry,
    Notification,
    NotificationDelivery,
)
from .services.progress import lesson_progress_start

register_permission_policy(Enrollment, ViewOnlyPolicy(Enrollment, trainers_may_view=True))
for model in (
    HourEntry,
    ExternalTraining,
    Certificate,
    Attendance,
    Notification,
    NotificationDelivery,
):
    register_permission_policy(model, ViewOnlyPolicy(model))


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificateViewSetGroup()


@hooks.register("register_admin_viewset")
def register_notification_viewsets():
    return NotificationViewSetGroup()


@hooks.register("register_admin_viewset")
def register_attendance_record_viewset():
    return attendance_record_viewset


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("", include(urls))]


for menu_item in (
    menus.roster_menu_item,
    menus.account_merge_menu_item,
    menus.certificate_bundles_menu_item,
    menus.attendance_menu_item,
    menus.trainer_roll_call_menu_item,
    menus.marking_menu_item,
):
    hooks.register("register_admin_menu_item", menu_item)
hooks.register("register_reports_menu_item", menus.statistics_menu_item)
hooks.register("register_reports_menu_item", menus.exam_statistics_menu_item)


# Inside Wagtail's view-restriction check (an on_serve_page hook of order 0), so that
# only a lesson actually shown to the visitor counts as opened.
@hooks.register("on_serve_page", order=100)
def record_lesson_opened(serve):
    def serve_and_record(page, request, serve_args, serve_kwargs):
        if isinstance(page, LessonPage):
            # The page's {% lesson_progress %} shows this row instead of reading it again.
            request._academy_lesson_progress = (
                page.pk,
                lesson_progress_start(lesson=page, user=request.user),
            )
        return serve(page, request, serve_args, serve_kwargs)

    return serve_and_record
