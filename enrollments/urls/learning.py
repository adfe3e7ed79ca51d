from django.urls import path

from enrollments.views import calendar_feed, evaluations, hours, learning

app_name = "enrollments"

urlpatterns = [
    path("", learning.dashboard, name="dashboard"),
    path("hours/", hours.ledger, name="ledger"),
    path("calendar/new/", calendar_feed.calendar_link_create, name="calendar_link_create"),
    path("calendar/revoke/", calendar_feed.calendar_link_revoke, name="calendar_link_revoke"),
    path("calendar/<str:key>.ics", calendar_feed.personal_calendar, name="personal_calendar"),
    path("hours/external/new/", hours.external_training_new, name="external_training_new"),
    path(
        "hours/external/<int:training_id>/proof/",
        hours.external_training_proof,
        name="external_training_proof",
    ),
    path("courses/<int:course_id>/enrol/", learning.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", learning.withdraw, name="withdraw"),
    path("lessons/<int:lesson_id>/beat/", learning.lesson_beat, name="lesson_beat"),
    path("lessons/<int:lesson_id>/complete/", learning.lesson_complete, name="lesson_complete"),
    path(
        "evaluations/<int:enrollment_id>/",
        evaluations.evaluate_course,
        name="evaluate_course",
    ),
    path(
        "evaluations/<int:enrollment_id>/sessions/<int:session_id>/",
        evaluations.evaluate_session,
        name="evaluate_session",
    ),
]
