from django.urls import path

from . import views_attendance as views

app_name = "attendance"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("sessions/<int:session_id>/", views.roll_call, name="roll_call"),
    path("sessions/<int:session_id>/mark/", views.roll_call_mark, name="mark"),
    path("sessions/<int:session_id>/walk-in/", views.walk_in, name="walk_in"),
    path("sessions/<int:session_id>/screen/", views.checkin_screen, name="checkin_screen"),
    path("sessions/<int:session_id>/sign-in-sheet.pdf", views.signin_sheet, name="signin_sheet"),
    path("check-in/", views.checkin_by_code, name="checkin_by_code"),
    path("check-in/<int:session_id>/", views.checkin, name="checkin"),
    path("check-in/<int:session_id>/out/", views.checkout, name="checkout"),
]
