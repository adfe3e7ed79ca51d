from django.urls import path

from . import admin_views

app_name = "enrollments_admin"

urlpatterns = [
    path(
        "enrolments/<int:enrollment_id>/<str:action>/",
        admin_views.enrollment_decide,
        name="enrollment_decide",
    ),
    path(
        "external-training/<int:training_id>/<str:action>/",
        admin_views.external_training_decide,
        name="external_training_decide",
    ),
    path("ledger/<int:user_id>/", admin_views.trainee_ledger, name="trainee_ledger"),
    path("roster/", admin_views.roster_courses, name="roster_courses"),
    path("roster/<int:course_id>/", admin_views.roster_upload, name="roster_upload"),
    path("roster/<int:course_id>/<str:token>/", admin_views.roster_preview, name="roster_preview"),
]
