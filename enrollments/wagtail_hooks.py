from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .attendance_admin import (
    ReadOnlyPolicy,
    admin_urlpatterns,
    attendance_menu_item,
    attendance_record_viewset,
    trainer_roll_call_menu_item,
)
from .models import Attendance

register_permission_policy(Attendance, ReadOnlyPolicy(Attendance))


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
