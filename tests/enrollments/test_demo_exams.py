"""The demo trainee's finished mock exam and wrong-answer book."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from academy.demo import seed_people
from cms_pages.demo import seed_site
from courses.demo import seed_courses
from courses.demo.exams import seed_question_banks
from courses.models import Exam
from enrollments.demo.exams import seed_exam_attempts
from enrollments.models import AttemptQuestion, ExamAttempt, WrongAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_trainee_has_a_marked_mock_exam_with_wrong_answers_in_the_book():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    attempt = ExamAttempt.objects.get(user__username="trainee")
    assert attempt.exam == Exam.objects.get(course__slug="comprehensive")
    assert attempt.status == ExamAttempt.Status.MARKED
    assert attempt.total_points == Decimal(100)
    questions = list(attempt.questions.all())
    assert len(questions) == 80
    assert all(question.answer for question in questions)
    assert attempt.score == sum(question.score for question in questions)
    assert attempt.passed == (attempt.score >= attempt.exam.pass_mark)
    not_full = {q.question_id for q in questions if q.score < q.points}
    partial = [q for q in questions if 0 < q.score < q.points]
    assert partial, "a multiple-choice answer short of a right option scores part"
    book = WrongAnswer.objects.filter(user=attempt.user, cleared_at__isnull=True)
    assert set(book.values_list("question_id", flat=True)) == not_full
    assert 10 <= len(not_full) <= 25


def test_running_the_exam_steps_again_changes_nothing_and_costs_a_few_queries(
    django_assert_max_num_queries,
):
    seed_people()
    seed_site()
    seed_courses()
    seed_question_banks()
    seed_exam_attempts()
    attempts = list(ExamAttempt.objects.values_list("pk", "status", "score"))
    answers = AttemptQuestion.objects.count()

    # A few look-ups per bank and for the trainee; an import or an attempt would be hundreds.
    with django_assert_max_num_queries(18):
        seed_question_banks()
        seed_exam_attempts()

    assert list(ExamAttempt.objects.values_list("pk", "status", "score")) == attempts
    assert AttemptQuestion.objects.count() == answers
