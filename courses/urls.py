from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("<int:course_id>/calendar.ics", views.course_ical, name="course_ical"),
]
