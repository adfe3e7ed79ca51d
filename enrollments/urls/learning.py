from django.urls import path

from enrollments.views import calendar_feed, evaluations, hours, learning, notifications

app_name = "enrollments"

urlpatterns = [
    path("", learning.dashboard, name="dashboard"),
    path("hours/", hours.ledger, name="ledger"),
    path("notifications/", notifications.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/", notifications.notifications_read_all, name="notifications_read"
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
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
