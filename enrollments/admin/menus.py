"""The app's admin menu items beside its viewsets' own; registered from ``wagtail_hooks.py``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem

from academy.access import AdministratorMenuItem, AdministratorSubmenuMenuItem, TrainerMenuItem
from academy.roles import is_administrator, is_trainer
from enrollments.admin.viewsets.attendance import attendance_record_viewset
from enrollments.selectors.statistics import statistics_visible


def roster_menu_item() -> MenuItem:
    return AdministratorMenuItem(
        _("Import a roster"),
        reverse("enrollments_admin:roster_courses"),
        icon_name="upload",
        order=260,
    )


def account_merge_menu_item() -> MenuItem:
    return AdministratorMenuItem(
        _("Merge accounts"),
        reverse("enrollments_admin:account_merge"),
        icon_name="user",
        order=265,
    )


def certificate_bundles_menu_item() -> MenuItem:
    return AdministratorMenuItem(
        _("Certificate downloads"),
        reverse("certificates_admin:bundles"),
        icon_name="download",
        order=270,
    )


def attendance_menu_item() -> MenuItem:
    administrator_pages = [
        (_("Sessions"), "attendance_admin:sessions", "date"),
        (_("Attendance records"), attendance_record_viewset.get_url_name("index"), "list-ul"),
        (_("Export attendance"), "attendance_admin:export", "download"),
        (_("Export jobs"), "attendance_admin:jobs", "cogs"),
        (_("Hours summary"), "attendance_admin:hours_summary", "table"),
        (_("Import attendance"), "attendance_admin:import", "upload"),
    ]
    items = [
        AdministratorMenuItem(label, reverse(url_name), icon_name=icon, order=100 * position)
        for position, (label, url_name, icon) in enumerate(administrator_pages, start=1)
    ]
    items.append(
        MenuItem(
            _("Roll call (phone)"), reverse("attendance:sessions"), icon_name="user", order=700
        )
    )
    return AdministratorSubmenuMenuItem(
        _("Attendance"), Menu(items=items), icon_name="tasks", order=350
    )


def trainer_roll_call_menu_item() -> MenuItem:
    return TrainerMenuItem(
        _("Roll call"), reverse("attendance:sessions"), icon_name="tasks", order=350
    )


class StatisticsMenuItem(MenuItem):
    """In the Reports menu for administrators and trainers (who see their own courses)."""

    def is_shown(self, request):
        return statistics_visible(user=request.user)


def statistics_menu_item() -> MenuItem:
    return StatisticsMenuItem(
        _("Training statistics"), reverse("statistics_admin:index"), icon_name="table", order=50
    )


class MarkingMenuItem(MenuItem):
    """For administrators and trainers: their courses' case answers and exam figures."""

    def is_shown(self, request):
        return is_administrator(request.user) or is_trainer(request.user)


def marking_menu_item() -> MenuItem:
    return MarkingMenuItem(
        _("Mark case answers"),
        reverse("marking_admin:queue"),
        icon_name="edit",
        order=240,
    )


def exam_statistics_menu_item() -> MenuItem:
    return MarkingMenuItem(
        _("Exam statistics"),
        reverse("exam_statistics_admin:index"),
        icon_name="table",
        order=250,
    )
