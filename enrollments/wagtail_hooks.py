from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academy.roles import is_administrator

from . import admin_urls
from .viewsets import LearningViewSetGroup


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [path("learning/", include(admin_urls, namespace="enrollments_admin"))]


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
