from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from academy.roles import is_administrator

from . import admin_urls, admin_views_certificates
from .attendance_admin import (
    ReadOnlyPolicy,
    admin_urlpatterns,
    attendance_menu_item,
    attendance_record_viewset,
    trainer_roll_call_menu_item,
)
from .models import Attendance
from .viewsets import LearningViewSetGroup
from .viewsets_certificates import CertificateViewSetGroup

register_permission_policy(Attendance, ReadOnlyPolicy(Attendance))


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificateViewSetGroup()


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [path("learning/", include(admin_urls, namespace="enrollments_admin"))]


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [
        path(
            "certificate-admin/",
            include(
                (admin_views_certificates.urlpatterns, "certificates_admin"),
                namespace="certificates_admin",
            ),
        )
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


@hooks.register("register_admin_menu_item")
def register_roster_menu_item():
    return AdministratorMenuItem(
        _("Import a roster"),
        reverse("enrollments_admin:roster_courses"),
        icon_name="upload",
        order=260,
    )


@hooks.register("register_admin_menu_item")
def register_certificate_bundles_menu_item():
    return AdministratorMenuItem(
        _("Certificate downloads"),
        reverse("certificates_admin:bundles"),
        icon_name="download",
        order=270,
    )


@hooks.register("register_admin_viewset")
def register_attendance_record_viewset():
    return attendance_record_viewset


@hooks.register("register_admin_urls")
def register_attendance_admin_urls():
    return [path("attendance/", include((admin_urlpatterns, "attendance_admin")))]


@hooks.register("register_admin_menu_item")
def register_attendance_menu_item():
    return attendance_menu_item()


@hooks.register("register_admin_menu_item")
def register_trainer_roll_call_menu_item():
    return trainer_roll_call_menu_item()
