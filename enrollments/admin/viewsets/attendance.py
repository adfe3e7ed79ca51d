"""The attendance records, listed and inspected; marks change only through the roll call,
check-in and import, which keep the hours ledger right."""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSet

from enrollments.models import Attendance


class AttendanceRecordViewSet(ModelViewSet):
    model = Attendance
    icon = "tasks"
    menu_label = gettext_lazy("Attendance records")
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["enrollment", "session", "status", "hours_credited", "method", "checked_in_at"]
    list_filter = ["status", "method"]
    form_fields = ["status"]
    inspect_view_fields = [
        "session",
        "enrollment",
        "status",
        "method",
        "hours_credited",
        "checked_in_at",
        "checked_out_at",
        "minutes_attended",
        "marked_by",
        "updated_at",
    ]

    def get_queryset(self, request):
        return Attendance.objects.select_related(
            "enrollment__user", "enrollment__course", "session__course"
        )


attendance_record_viewset = AttendanceRecordViewSet("attendance_records")
