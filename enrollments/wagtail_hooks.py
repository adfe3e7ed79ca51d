from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academy.roles import is_administrator

from . import admin_urls, admin_views_certificates
from .viewsets import LearningViewSetGroup
from .viewsets_certificates import CertificateViewSetGroup


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
