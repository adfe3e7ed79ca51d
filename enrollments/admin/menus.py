"""The app's admin menu items beside its viewsets' own; registered from ``wagtail_hooks.py``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem

from academy.access import AdministratorMenuItem, AdministratorSubmenuMenuItem, TrainerMenuItem
from enrollments.admin.viewsets.attendance import attendance_record_viewset


def roster_menu_item() -> MenuItem:
    return AdministratorMenuItem(
        _("Import a roster"),
        reverse("enrollments_admin:roster_courses"),
        icon_name="upload",
        order=260,
    )


def certificate_bundles_menu_item() -> MenuItem:
    return AdministratorMenuItem(
        _("Certificate downloads"),
        reverse("certificates_admin:bundles"),
        icon_name="download",
        order=270,
    )


def attendance_menu_item() -> MenuItem:
    items = [
        AdministratorMenuItem(
            _("Sessions"), reverse("attendance_admin:sessions"), icon_name="date", order=100
        ),
        AdministratorMenuItem(
            _("Attendance records"),
            reverse(attendance_record_viewset.get_url_name("index")),
            icon_name="list-ul",
            order=200,
        ),
        AdministratorMenuItem(
            _("Export attendance"),
            reverse("attendance_admin:export"),
            icon_name="download",
            order=300,
        ),
        AdministratorMenuItem(
            _("Export jobs"), reverse("attendance_admin:jobs"), icon_name="cogs", order=400
        ),
        AdministratorMenuItem(
            _("Hours summary"),
            reverse("attendance_admin:hours_summary"),
            icon_name="table",
            order=500,
        ),
        AdministratorMenuItem(
            _("Import attendance"),
            reverse("attendance_admin:import"),
            icon_name="upload",
            order=600,
        ),
        MenuItem(
            _("Roll call (phone)"), reverse("attendance:sessions"), icon_name="user", order=700
        ),
    ]
    return AdministratorSubmenuMenuItem(
        _("Attendance"), Menu(items=items), icon_name="tasks", order=350
    )


def trainer_roll_call_menu_item() -> MenuItem:
    return TrainerMenuItem(
        _("Roll call"), reverse("attendance:sessions"), icon_name="tasks", order=350
    )
