from django.urls import path

from enrollments.views import attendance, checkin

app_name = "attendance"

urlpatterns = [
    path("", attendance.session_list, name="sessions"),
    path("sessions/<int:session_id>/", attendance.roll_call, name="roll_call"),
    path("sessions/<int:session_id>/mark/", attendance.roll_call_mark, name="mark"),
    path("sessions/<int:session_id>/walk-in/", attendance.walk_in, name="walk_in"),
    path("sessions/<int:session_id>/screen/", attendance.checkin_screen, name="checkin_screen"),
    path(
        "sessions/<int:session_id>/sign-in-sheet.pdf",
        attendance.signin_sheet,
        name="signin_sheet",
    ),
    path("check-in/", checkin.checkin_by_code, name="checkin_by_code"),
    path("check-in/<int:session_id>/", checkin.checkin, name="checkin"),
    path("check-in/<int:session_id>/out/", checkin.checkout, name="checkout"),
]
