"""Course and session evaluations: the trainee's side, the rules, and the results pages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from academy.errors import RuleViolation
from enrollments.models import Attendance, Enrollment, Evaluation, EvaluationQuestionnaire
from enrollments.selectors.evaluations import (
    BY_COURSE,
    BY_SESSION,
    BY_TRAINER,
    evaluation_figures,
    evaluation_pending_for,
    evaluation_scope,
    evaluation_totals,
)
from enrollments.services.evaluations import evaluation_submit
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories

pytestmark = pytest.mark.django_db

COMMENT = '=HYPERLINK("http://evil.example","看这里")<script>alert(1)</script>'


def _past_session(course, *, days_ago: int, trainer=None):
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    return tree.session(course=course, starts_at=starts, trainer=trainer)


def _course(**fields):
    # A minimum no one reaches, so that marking attendance completes nobody.
    fields.setdefault("min_hours", Decimal("100"))
    return tree.course(**fields)


@pytest.fixture
def attended(trainee_user):
    """李晓明 attended a session that ended three days ago."""
    course = _course()
    session = _past_session(course, days_ago=3)
    enrollment = factories.enrollment(course=course, user=trainee_user)
    factories.attendance(session=session, enrollment=enrollment)
    return enrollment, session


def _answers(ratings=(5, 4, 4, 3), text=""):
    questions = EvaluationQuestionnaire.objects.get(is_default=True).questions.all()
    answers: dict[int, object] = {}
    rating_values = iter(ratings)
    for question in questions:
        answers[question.pk] = next(rating_values, None) if question.kind == "rating" else text
    return answers


def _submit(enrollment, session, answers):
    return evaluation_submit(
        user=enrollment.user,
        enrollment_id=enrollment.pk,
        session_id=session.pk if session else None,
        answers=answers,
    )


# The rules ------------------------------------------------------------------------------


def test_a_trainee_evaluates_an_attended_session_once(attended):
    enrollment, session = attended
    evaluation = _submit(enrollment, session, _answers(text="  讲得很好  "))
    assert evaluation.questionnaire.is_default
    stored = dict(evaluation.answers.values_list("question__aspect", "rating"))
    assert stored == {
        "content": 5,
        "trainer": 4,
        "organisation": 4,
        "usefulness": 3,
        "other": None,
    }
    assert evaluation.answers.get(question__kind="text").text == "讲得很好"

    with pytest.raises(RuleViolation) as refused:
        _submit(enrollment, session, _answers())
    assert refused.value.code == "already_evaluated"
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "days_ago", "code"),
    [
        (Attendance.Status.ABSENT, 3, "not_attended"),
        (Attendance.Status.EXCUSED, 3, "not_attended"),
        (Attendance.Status.PRESENT, 0, "session_not_ended"),
    ],
)
def test_no_evaluation_of_a_session_not_attended_or_not_ended(trainee_user, status, days_ago, code):
    course = _course()
    # days_ago=0: the session started a minute ago and runs for three hours.
    session = (
        _past_session(course, days_ago=days_ago)
        if days_ago
        else tree.session(course=course, starts_at=timezone.now() - timedelta(minutes=1))
    )
    enrollment = factories.enrollment(course=course, user=trainee_user)
    factories.attendance(session=session, enrollment=enrollment, status=status)
    with pytest.raises(RuleViolation) as refused:
        evaluation_submit(
            user=trainee_user,
            enrollment_id=enrollment.pk,
            session_id=session.pk,
            answers=_answers(),
        )
    assert refused.value.code == code
    assert not Evaluation.objects.exists()
    assert evaluation_pending_for(user=trainee_user) == []


def test_someone_elses_enrolment_is_refused(attended):
    enrollment, session = attended
    with pytest.raises(RuleViolation) as refused:
        evaluation_submit(
            user=people.trainee(),
            enrollment_id=enrollment.pk,
            session_id=session.pk,
            answers=_answers(),
        )
    assert refused.value.code == "not_yours"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("bad", [0, 6, "x", "4.5"])
def test_ratings_must_be_1_to_5_and_nothing_is_written_otherwise(attended, bad):
    enrollment, session = attended
    with pytest.raises(RuleViolation) as refused:
        _submit(enrollment, session, _answers(ratings=(5, bad, 4, 4)))
    trainer_question = EvaluationQuestionnaire.objects.get(is_default=True).questions.get(
        aspect="trainer"
    )
    assert list(refused.value.error_dict) == [f"question_{trainer_question.pk}"]
    assert not Evaluation.objects.exists()


def test_required_questions_must_be_answered_and_the_comment_may_be_left_out(attended):
    enrollment, session = attended
    with pytest.raises(RuleViolation) as refused:
        _submit(enrollment, session, _answers(ratings=(5, 4)))
    assert len(refused.value.error_dict) == 2
    assert not Evaluation.objects.exists()
    evaluation = _submit(enrollment, session, _answers())
    assert evaluation.answers.count() == 4


def test_the_course_is_evaluated_once_completed_with_its_own_questionnaire(trainee_user):
    course = _course()
    enrollment = factories.enrollment(course=course, user=trainee_user)
    with pytest.raises(RuleViolation) as refused:
        evaluation_submit(
            user=trainee_user, enrollment_id=enrollment.pk, session_id=None, answers={}
        )
    assert refused.value.code == "not_completed"

    own = EvaluationQuestionnaire.objects.create(name="本课程问卷", course=course)
    question = own.questions.create(kind="rating", aspect="content", text="内容", required=True)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    assert [pending.session for pending in evaluation_pending_for(user=trainee_user)] == [None]
    evaluation = evaluation_submit(
        user=trainee_user, enrollment_id=enrollment.pk, session_id=None, answers={question.pk: 2}
    )
    assert evaluation.questionnaire == own
    assert evaluation_pending_for(user=trainee_user) == []
    with pytest.raises(RuleViolation):
        evaluation_submit(
            user=trainee_user,
            enrollment_id=enrollment.pk,
            session_id=None,
            answers={question.pk: 2},
        )


# The trainee's pages --------------------------------------------------------------------


def test_the_dashboard_and_course_page_ask_and_the_form_thanks(client, attended):
    enrollment, session = attended
    client.force_login(enrollment.user)
    url = reverse("enrollments:evaluate_session", args=[enrollment.pk, session.pk])

    dashboard = client.get(reverse("enrollments:dashboard")).content.decode()
    assert url in dashboard
    assert url in client.get(enrollment.course.url).content.decode()

    form = client.get(url)
    assert form.status_code == 200
    assert form.content.decode().count('type="radio"') == 20

    response = client.post(url, {f"question_{pk}": value for pk, value in _answers().items()})
    assert response.status_code == 302
    assert response["Location"] == reverse("enrollments:dashboard")
    after = client.get(response["Location"]).content.decode()
    assert "感谢您的评估" in after
    assert url not in after

    again = client.post(url, {f"question_{pk}": value for pk, value in _answers().items()})
    assert again.status_code == 302
    assert "您已评估过这次课" in client.get(again["Location"]).content.decode()
    assert Evaluation.objects.count() == 1


def test_a_missing_rating_is_shown_on_the_form(client, attended):
    enrollment, session = attended
    client.force_login(enrollment.user)
    url = reverse("enrollments:evaluate_session", args=[enrollment.pk, session.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert response.content.decode().count('class="error"') == 4
    assert not Evaluation.objects.exists()


def test_another_trainees_enrolment_or_session_is_not_found(client, attended):
    enrollment, session = attended
    other_course = _course()
    other_session = _past_session(other_course, days_ago=2)
    client.force_login(people.trainee())
    assert (
        client.get(
            reverse("enrollments:evaluate_session", args=[enrollment.pk, session.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("enrollments:evaluate_course", args=[enrollment.pk])).status_code == 404
    )
    client.force_login(enrollment.user)
    assert (
        client.get(
            reverse("enrollments:evaluate_session", args=[enrollment.pk, other_session.pk])
        ).status_code
        == 404
    )


# Results ----------------------------------------------------------------------------------


@pytest.fixture
def evaluated(trainer_user):
    """A course taught by 陈立群 with two sessions (陈立群's, then another trainer's).

    Session 1: A present, B late, C absent; A rates 5 4 3 4 with a comment, B 3 2 4 5.
    Session 2: A, B present, C left early; A rates 4 4 4 4.
    A completed the course and rates it 5 5 5 5.
    """
    other_trainer = people.trainer(full_name="刘思远")
    course = _course(title="危机干预", trainers=[trainer_user])
    first = _past_session(course, days_ago=10, trainer=trainer_user)
    second = _past_session(course, days_ago=5, trainer=other_trainer)
    a, b, c = (
        factories.enrollment(course=course, user=people.trainee(full_name=name))
        for name in ("甲", "乙", "丙")
    )
    for enrollment, status in ((a, "present"), (b, "late"), (c, "absent")):
        factories.attendance(session=first, enrollment=enrollment, status=status)
    for enrollment, status in ((a, "present"), (b, "present"), (c, "left_early")):
        factories.attendance(session=second, enrollment=enrollment, status=status)
    factories.evaluation(enrollment=a, session=first, ratings=(5, 4, 3, 4), text=COMMENT)
    factories.evaluation(enrollment=b, session=first, ratings=(3, 2, 4, 5))
    factories.evaluation(enrollment=a, session=second, ratings=(4, 4, 4, 4))
    Enrollment.objects.filter(pk=a.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    factories.evaluation(enrollment=a, ratings=(5, 5, 5, 5))
    # Another course's evaluation, which 陈立群 may not see.
    elsewhere = _course(title="别人的课程")
    elsewhere_session = _past_session(elsewhere, days_ago=4, trainer=other_trainer)
    d = factories.enrollment(course=elsewhere, user=people.trainee(full_name="丁"))
    factories.attendance(session=elsewhere_session, enrollment=d)
    factories.evaluation(enrollment=d, session=elsewhere_session, ratings=(1, 1, 1, 1))
    return course, first, second, other_trainer, elsewhere


def test_figures_per_course_session_and_trainer_by_hand(evaluated, admin_user, trainer_user):
    course, first, second, other_trainer, elsewhere = evaluated
    scope = evaluation_scope(user=admin_user)

    by_course = evaluation_figures(scope=scope, dimension=BY_COURSE)[course.pk]
    # Asked: 2 attendees of session 1, 3 of session 2, 1 completion; 4 evaluations.
    assert (by_course.asked, by_course.responses) == (6, 4)
    assert by_course.response_rate == Decimal("66.7")
    assert by_course.averages[:4] == [
        Decimal("4.25"),
        Decimal("3.75"),
        Decimal("4.00"),
        Decimal("4.50"),
    ]
    assert by_course.averages[4] is None
    # 13 of the 16 ratings are 4 or 5.
    assert by_course.satisfaction == Decimal("81.3")

    by_session = evaluation_figures(scope=scope, dimension=BY_SESSION)
    assert (by_session[first.pk].asked, by_session[first.pk].responses) == (2, 2)
    assert by_session[first.pk].response_rate == Decimal("100.0")
    assert by_session[first.pk].satisfaction == Decimal("62.5")
    assert by_session[second.pk].response_rate == Decimal("33.3")
    assert by_session[second.pk].satisfaction == Decimal("100.0")

    by_trainer = evaluation_figures(scope=scope, dimension=BY_TRAINER)
    # 陈立群: session 1 and the course evaluation (a course trainer); asked 2 + 1.
    mine = by_trainer[trainer_user.pk]
    assert (mine.asked, mine.responses, mine.satisfaction) == (3, 3, Decimal("75.0"))
    assert mine.average("trainer") == Decimal("3.67")
    theirs = by_trainer[other_trainer.pk]
    # 刘思远: session 2 here (1 of 3) and the other course's session (1 of 1).
    assert (theirs.asked, theirs.responses, theirs.satisfaction) == (4, 2, Decimal("50.0"))

    totals = evaluation_totals(scope=scope)
    assert (totals.asked, totals.responses) == (7, 5)
    assert totals.satisfaction == Decimal("65.0")

    trainer_scope = evaluation_scope(user=trainer_user)
    assert elsewhere.pk not in evaluation_figures(scope=trainer_scope, dimension=BY_COURSE)
    assert evaluation_totals(scope=trainer_scope).responses == 4


def test_the_results_pages_show_the_figures_and_escape_comments(
    client, evaluated, admin_user, django_assert_max_num_queries
):
    course, first, *_ = evaluated
    client.force_login(admin_user)
    # The admin's menu costs most of these; the figures take a fixed dozen or so.
    with django_assert_max_num_queries(60):
        page = client.get(reverse("evaluations_admin:results"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "危机干预" in html and "别人的课程" in html
    assert "66.7%" in html and "81.3%" in html and "4.25" in html

    detail = client.get(reverse("evaluations_admin:course", args=[course.pk])).content.decode()
    assert first.title in detail and "62.5%" in detail
    assert "<script>alert(1)</script>" not in detail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_more_courses_cost_no_more_queries(
    client, evaluated, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = reverse("evaluations_admin:results")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for index in range(3):
        course = _course()
        session = _past_session(course, days_ago=2 + index)
        enrollment = factories.enrollment(course=course)
        factories.attendance(session=session, enrollment=enrollment)
        factories.evaluation(enrollment=enrollment, session=session, ratings=(4, 4, 4, 4))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_the_export_neutralises_formulas(client, evaluated, admin_user):
    client.force_login(admin_user)
    url = reverse("evaluations_admin:export")
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # 5 evaluations, 4 ratings each, and the one comment that was given.
    assert len(rows) == 1 + 5 * 4 + 1
    comments = [row for row in rows[1:] if row[-1]]
    assert [row[-1] for row in comments] == ["'" + COMMENT]

    response = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *answers = sheet.iter_rows(values_only=True)
    assert header[-1] == "回答"
    assert len(answers) == 5 * 4 + 1
    # In XLSX the formula is a text cell, shown as typed.
    assert [row[-1] for row in answers if row[-1]] == [COMMENT]
    assert sheet.cell(row=len(answers) + 1, column=len(header)).data_type in {"s", "inlineStr"}


def test_a_trainer_reads_only_their_own_courses(client, evaluated, trainer_user):
    course, _first, _second, _other, elsewhere = evaluated
    client.force_login(trainer_user)
    html = client.get(reverse("evaluations_admin:results")).content.decode()
    assert "危机干预" in html and "别人的课程" not in html
    assert "刘思远" not in html
    assert client.get(reverse("evaluations_admin:course", args=[course.pk])).status_code == 200
    assert client.get(reverse("evaluations_admin:course", args=[elsewhere.pk])).status_code == 404
    response = client.get(reverse("evaluations_admin:export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"危机干预"}


def test_trainees_cannot_reach_the_results_or_the_questionnaires(client, evaluated, trainee_user):
    course, *_ = evaluated
    client.force_login(trainee_user)
    for url in (
        reverse("evaluations_admin:results"),
        reverse("evaluations_admin:course", args=[course.pk]),
        reverse("evaluations_admin:export") + "?format=csv",
        reverse("learning_questionnaires:index"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "危机干预" not in response.content.decode()


def test_administrators_edit_questionnaires_and_trainers_do_not(client, admin_user, trainer_user):
    questionnaire = EvaluationQuestionnaire.objects.get(is_default=True)
    client.force_login(admin_user)
    assert client.get(reverse("learning_questionnaires:index")).status_code == 200
    edit = client.get(reverse("learning_questionnaires:edit", args=[questionnaire.pk]))
    assert edit.status_code == 200
    assert "意见和建议" in edit.content.decode()
    client.force_login(trainer_user)
    assert client.get(reverse("learning_questionnaires:index")).status_code in (302, 403)


def test_an_answered_questionnaire_or_question_is_not_deleted(client, evaluated, admin_user):
    questionnaire = EvaluationQuestionnaire.objects.get(is_default=True)
    client.force_login(admin_user)
    response = client.post(reverse("learning_questionnaires:delete", args=[questionnaire.pk]))
    assert response.status_code == 302
    assert EvaluationQuestionnaire.objects.filter(pk=questionnaire.pk).exists()

    unused = EvaluationQuestionnaire.objects.create(name="未使用的问卷")
    client.post(reverse("learning_questionnaires:delete", args=[unused.pk]))
    assert not EvaluationQuestionnaire.objects.filter(pk=unused.pk).exists()
