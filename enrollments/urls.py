from django.urls import path

from . import views

app_name = "enrollments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("hours/", views.ledger, name="ledger"),
    path("hours/external/new/", views.external_training_new, name="external_training_new"),
    path(
        "hours/external/<int:training_id>/proof/",
        views.external_training_proof,
        name="external_training_proof",
    ),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path("lessons/<int:lesson_id>/beat/", views.lesson_beat, name="lesson_beat"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
]
