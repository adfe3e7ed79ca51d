"""Marking case answers: per reference point, by the course's trainers, and the result
made final once nothing waits for marking; the marking queue in the admin."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.errors import RuleViolation
from courses.models import QuestionType
from enrollments.models import ExamAttempt, Notification, NotificationKind
from enrollments.selectors.exam_marking import case_answers_to_mark
from enrollments.services.exams import exam_attempt_answer, exam_attempt_start, exam_attempt_submit
from enrollments.services.exams.marking import attempt_question_mark_case, case_score
from tests.academy import factories as people
from tests.courses import exam_factories as ex
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Status = ExamAttempt.Status


@pytest.fixture
def case_exam(trainer_user):
    bank = ex.bank(name="社会工作实务（中级）题库")
    for _index in range(2):
        ex.single(bank=bank)
    ex.case(bank=bank)
    course = ex.exam_course(trainers=[trainer_user])
    return ex.exam(
        bank=bank,
        course=course,
        pass_mark=Decimal(15),
        sections=[(QuestionType.SINGLE, 2, 1), (QuestionType.CASE, 1, 20)],
    )


def submitted_attempt(exam, *, right=True):
    trainee = ef.enrollment(course=exam.course).user
    attempt = exam_attempt_start(user=trainee, exam=exam)
    for question in attempt.questions.select_related("version"):
        content = question.version.content
        if content["type"] == "case":
            answer = ["王某需要情绪支持和社交。", "链接社区资源，安排志愿者探访。"]
        else:
            answer = content["answer"] if right else ["A" if content["answer"] != ["A"] else "C"]
        exam_attempt_answer(
            attempt=attempt, user=trainee, position=question.position, answer=answer
        )
    return exam_attempt_submit(attempt_id=attempt.pk)


def case_question(attempt):
    return attempt.questions.select_related("version").get(version__content__type="case")


def test_a_submitted_case_answer_waits_in_the_course_trainers_queue(case_exam, trainer_user):
    attempt = submitted_attempt(case_exam)
    other_trainer = people.trainer()

    assert attempt.status == Status.AWAITING_MARKING
    assert list(case_answers_to_mark(user=trainer_user)) == [case_question(attempt)]
    assert not case_answers_to_mark(user=other_trainer).exists()
    assert not case_answers_to_mark(user=attempt.user).exists()


def test_marking_the_last_case_answer_makes_the_result_final(case_exam, trainer_user):
    attempt = submitted_attempt(case_exam)
    question = case_question(attempt)

    marked = attempt_question_mark_case(
        attempt_question=question,
        marker=trainer_user,
        marks=[["4", "5"], ["3", "6"]],
        comment="需求分析较全面，计划可再具体。",
    )

    assert marked.score == Decimal(18)
    assert marked.marks == [["4", "5"], ["3", "6"]]
    assert marked.marked_by == trainer_user
    attempt.refresh_from_db()
    assert attempt.status == Status.MARKED
    assert attempt.score == Decimal(20)
    assert attempt.passed is True
    assert Notification.objects.filter(
        recipient=attempt.user, kind=NotificationKind.EXAM_RESULT
    ).exists()


def test_a_mark_is_scaled_to_the_points_the_exam_gives_the_question():
    content = {
        "sub_questions": [
            {"points": "10", "reference_points": [{"text": "a", "points": "10"}]},
            {"points": "10", "reference_points": [{"text": "b", "points": "10"}]},
        ]
    }

    assert (
        case_score(content=content, marks=[[Decimal(5)], [Decimal(10)]], points=Decimal(20)) == 15
    )
    assert case_score(
        content=content, marks=[[Decimal(5)], [Decimal(10)]], points=Decimal(10)
    ) == Decimal("7.5")


def test_a_mark_above_the_reference_points_or_of_the_wrong_shape_is_refused(
    case_exam, trainer_user
):
    attempt = submitted_attempt(case_exam)
    question = case_question(attempt)

    with pytest.raises(RuleViolation) as error:
        attempt_question_mark_case(
            attempt_question=question, marker=trainer_user, marks=[["5", "6"], ["3", "6"]]
        )
    assert error.value.code == "mark_out_of_range"
    with pytest.raises(RuleViolation) as error:
        attempt_question_mark_case(attempt_question=question, marker=trainer_user, marks=[["4"]])
    assert error.value.code == "marks_shape"
    question.refresh_from_db()
    assert question.score is None
    attempt.refresh_from_db()
    assert attempt.status == Status.AWAITING_MARKING


def test_only_a_trainer_of_the_course_or_an_administrator_marks(case_exam, admin_user):
    attempt = submitted_attempt(case_exam, right=False)
    question = case_question(attempt)

    with pytest.raises(RuleViolation) as error:
        attempt_question_mark_case(
            attempt_question=question, marker=people.trainer(), marks=[["1", "1"], ["1", "1"]]
        )
    assert error.value.code == "not_course_marker"

    attempt_question_mark_case(
        attempt_question=question, marker=admin_user, marks=[["1", "1"], ["1", "1"]]
    )
    attempt.refresh_from_db()
    assert attempt.status == Status.MARKED
    assert attempt.score == Decimal(4)
    assert attempt.passed is False


def test_a_final_attempt_takes_no_more_marks(case_exam, trainer_user):
    attempt = submitted_attempt(case_exam)
    question = case_question(attempt)
    marks = [["4", "6"], ["4", "6"]]
    attempt_question_mark_case(attempt_question=question, marker=trainer_user, marks=marks)

    with pytest.raises(RuleViolation) as error:
        attempt_question_mark_case(attempt_question=question, marker=trainer_user, marks=marks)
    assert error.value.code == "not_awaiting_marking"


class TestMarkingAdmin:
    def test_the_queue_lists_the_trainers_answers_and_the_form_marks_one(
        self, client, case_exam, trainer_user
    ):
        client.force_login(trainer_user)
        attempts = [submitted_attempt(case_exam)]
        client.get(reverse("marking_admin:queue"))
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("marking_admin:queue"))
        attempts += [submitted_attempt(case_exam) for _index in range(3)]

        with CaptureQueriesContext(connection) as four:
            response = client.get(reverse("marking_admin:queue"))

        assert response.status_code == 200
        assert len(four) == len(one)
        for attempt in attempts:
            assert reverse("marking_admin:answer", args=[case_question(attempt).pk]) in (
                response.content.decode()
            )

        question = case_question(attempts[0])
        url = reverse("marking_admin:answer", args=[question.pk])
        page = client.get(url)
        assert "王某需要情绪支持和社交。" in page.content.decode()
        assert "建立专业关系" in page.content.decode()
        response = client.post(
            url,
            {
                "mark_0_0": "4",
                "mark_0_1": "6",
                "mark_1_0": "2",
                "mark_1_1": "3",
                "comment": "很好",
            },
        )
        assert response.status_code == 302
        attempts[0].refresh_from_db()
        assert attempts[0].status == Status.MARKED
        assert attempts[0].score == Decimal(17)

    def test_a_mark_over_the_points_is_shown_on_the_form(self, client, case_exam, trainer_user):
        question = case_question(submitted_attempt(case_exam))
        client.force_login(trainer_user)

        response = client.post(
            reverse("marking_admin:answer", args=[question.pk]),
            {"mark_0_0": "9", "mark_0_1": "6", "mark_1_0": "2", "mark_1_1": "3"},
        )

        assert response.status_code == 200
        question.refresh_from_db()
        assert question.score is None

    def test_another_trainer_gets_a_404(self, client, case_exam):
        question = case_question(submitted_attempt(case_exam))
        client.force_login(people.trainer())

        response = client.get(reverse("marking_admin:answer", args=[question.pk]))

        assert response.status_code == 404
