"""Every admin URL of the app, each area under its own namespace; registered once from
``wagtail_hooks.py``."""

from django.urls import include, path

from enrollments.admin.views import (
    attendance,
    certificates,
    exam_statistics,
    history,
    jobs,
    learning,
    marking,
    questions,
    statistics,
)

learning_urlpatterns = [
    path(
        "enrolments/<int:enrollment_id>/<str:action>/",
        learning.enrollment_decide,
        name="enrollment_decide",
    ),
    path(
        "external-training/<int:training_id>/<str:action>/",
        learning.external_training_decide,
        name="external_training_decide",
    ),
    path("ledger/<int:user_id>/", learning.trainee_ledger, name="trainee_ledger"),
    path("trainees/<int:user_id>/history/", history.trainee_history, name="trainee_history"),
    path(
        "trainees/<int:user_id>/history/<str:file_format>/",
        history.trainee_history_export,
        name="trainee_history_export",
    ),
    path("accounts/merge/", learning.account_merge_screen, name="account_merge"),
    path("roster/", learning.roster_courses, name="roster_courses"),
    path("roster/template.xlsx", learning.roster_template, name="roster_template"),
    path("roster/<int:course_id>/", learning.roster_upload, name="roster_upload"),
    path("roster/<int:course_id>/<str:token>/", learning.roster_preview, name="roster_preview"),
]

certificate_urlpatterns = [
    path("<int:certificate_id>/", certificates.detail, name="detail"),
    path("<int:certificate_id>/revoke/", certificates.revoke, name="revoke"),
    path("<int:certificate_id>/reissue/", certificates.reissue, name="reissue"),
    path("<int:certificate_id>/download/", certificates.download, name="download"),
    path("downloads/", certificates.bundles, name="bundles"),
    path("downloads/<int:bundle_id>/", certificates.bundle_download, name="bundle_download"),
    path("hours/<int:user_id>/", certificates.hours_records, name="hours_records"),
    path(
        "hours/record/<int:record_id>/download/",
        certificates.hours_record_download,
        name="hours_download",
    ),
]

attendance_urlpatterns = [
    path("sessions/", attendance.session_index, name="sessions"),
    path("sessions/<int:session_id>/lock/", attendance.session_lock_toggle, name="lock"),
    path("sessions/<int:session_id>/history/", history.session_history, name="session_history"),
    path(
        "sessions/<int:session_id>/history/<str:file_format>/",
        history.session_history_export,
        name="session_history_export",
    ),
    path("export/", attendance.export, name="export"),
    path("export/jobs/", attendance.export_jobs, name="jobs"),
    path("export/jobs/<int:export_id>/download/", attendance.export_download, name="download"),
    path("hours/", attendance.hours_summary, name="hours_summary"),
    path("import/", attendance.import_attendance, name="import"),
    path("import/<str:token>/", attendance.import_preview, name="import_preview"),
]

job_urlpatterns = [
    path("<str:kind>/<int:job_id>/retry/", jobs.retry, name="retry"),
]

statistics_urlpatterns = [
    path("", statistics.statistics_index, name="index"),
    path("xlsx/", statistics.statistics_xlsx, name="xlsx"),
    path("pdf/", statistics.statistics_pdf_download, name="pdf"),
]

question_urlpatterns = [
    path("", questions.question_banks, name="banks"),
    path("template.xlsx", questions.question_template, name="template"),
    path(
        "banks/<int:bank_id>/export.<str:file_format>",
        questions.question_bank_export,
        name="export",
    ),
    path("banks/<int:bank_id>/import/", questions.question_import_upload, name="import_upload"),
    path(
        "banks/<int:bank_id>/import/<str:token>/",
        questions.question_import_preview,
        name="import_preview",
    ),
]

marking_urlpatterns = [
    path("", marking.marking_queue, name="queue"),
    path("answers/<int:attempt_question_id>/", marking.marking_answer, name="answer"),
]

exam_statistics_urlpatterns = [
    path("", exam_statistics.exam_statistics_index, name="index"),
    path("<int:exam_id>/", exam_statistics.exam_statistics_detail, name="detail"),
    path("<int:exam_id>/xlsx/", exam_statistics.exam_statistics_xlsx, name="xlsx"),
]

urlpatterns = [
    path("jobs/", include((job_urlpatterns, "jobs_admin"))),
    path("learning/", include((learning_urlpatterns, "enrollments_admin"))),
    path("certificate-admin/", include((certificate_urlpatterns, "certificates_admin"))),
    path("attendance/", include((attendance_urlpatterns, "attendance_admin"))),
    path("statistics/", include((statistics_urlpatterns, "statistics_admin"))),
    path("question-files/", include((question_urlpatterns, "questions_admin"))),
    path("marking/", include((marking_urlpatterns, "marking_admin"))),
    path("exam-statistics/", include((exam_statistics_urlpatterns, "exam_statistics_admin"))),
]
