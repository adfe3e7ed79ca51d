from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views
from .access import AdministratorMenuItem
from .viewsets import login_lockout_viewset, organization_viewset


@hooks.register("register_admin_viewset")
def register_organization_viewset():
    return organization_viewset


@hooks.register("register_admin_viewset")
def register_login_lockout_viewset():
    return login_lockout_viewset


@hooks.register("register_admin_menu_item")
def register_job_dashboard_menu_item():
    return AdministratorMenuItem(
        _("Background jobs"),
        reverse("django_rq:home"),
        icon_name="cogs",
        order=10000,
    )


@hooks.register("register_admin_urls")
def register_unlisted_organization_urls():
    return [
        path(
            "organizations/unlisted/",
            admin_views.unlisted_organizations,
            name="unlisted_organizations",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_unlisted_organizations_menu_item():
    return AdministratorMenuItem(
        _("Unlisted organisations"),
        reverse("unlisted_organizations"),
        icon_name="group",
        order=310,
    )
