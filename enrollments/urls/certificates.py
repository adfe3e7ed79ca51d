from django.urls import path

from enrollments.views import certificates as views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("verify/", views.verify_search, name="verify_search"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<int:certificate_id>/download/", views.download, name="download"),
    path("hours/", views.hours_records, name="hours_records"),
    path("hours/<int:record_id>/download/", views.hours_record_download, name="hours_download"),
    path("hours/verify/<str:code>/", views.hours_record_verify, name="hours_verify"),
]
