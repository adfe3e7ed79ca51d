from django.urls import path

from enrollments.views import exams

app_name = "exams"

urlpatterns = [
    path("", exams.exams_home, name="home"),
    path("<int:exam_id>/", exams.exam_detail, name="exam"),
    path("<int:exam_id>/start/", exams.exam_start, name="start"),
    path("attempts/<int:attempt_id>/", exams.attempt_resume, name="attempt"),
    path(
        "attempts/<int:attempt_id>/questions/<int:position>/",
        exams.attempt_question,
        name="question",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:position>/answer/",
        exams.attempt_answer,
        name="answer",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:position>/flag/",
        exams.attempt_flag,
        name="flag",
    ),
    path("attempts/<int:attempt_id>/submit/", exams.attempt_submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", exams.attempt_result, name="result"),
    path("practice/<int:bank_id>/", exams.practice, name="practice"),
    path("wrong-answers/", exams.wrong_answers, name="wrong_answers"),
]
