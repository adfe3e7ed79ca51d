import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from courses.models import Exam, QuestionType
from enrollments.models import Enrollment, ExamAttempt, PracticeAnswer, WrongAnswer
from enrollments.selectors.exams import (
    attempt_question_screen,
    exam_attempt_for_user,
    exam_attempt_result,
    exams_for_course,
    practice_questions,
    wrong_answers_for_user,
)
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.exams import (
    exam_attempt_answer,
    exam_attempt_start,
    exam_attempt_submit,
    practice_answer,
    wrong_answer_record,
)
from tests.academy import factories as people
from tests.courses import exam_factories as ex
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Status = ExamAttempt.Status


def bank_of(singles: int, topics=("第一章", "第二章")):
    bank = ex.bank()
    made = [ex.topic(bank=bank, name=name) for name in topics]
    for index in range(singles):
        ex.single(bank=bank, topic=made[index % len(made)], stem=f"题干{index}")
    return bank


def started(singles: int = 10, **fields):
    bank = bank_of(singles)
    exam = ex.exam(bank=bank, sections=[(QuestionType.SINGLE, singles, 1)], **fields)
    user = ef.enrollment(course=exam.course).user
    return exam_attempt_start(user=user, exam=exam)


def answer_all(attempt, right=True):
    for question in attempt.questions.select_related("version"):
        key = question.version.content["answer"][0]
        wrong = next(k for k in "ABCD" if k != key)
        exam_attempt_answer(
            attempt=attempt,
            user=attempt.user,
            position=question.position,
            answer=[key if right else wrong],
        )


class TestAttemptAccess:
    def test_another_trainees_attempt_is_not_found(self):
        attempt = started()
        assert exam_attempt_for_user(user=attempt.user, attempt_id=attempt.pk) == attempt
        with pytest.raises(Http404):
            exam_attempt_for_user(user=people.trainee(), attempt_id=attempt.pk)


class TestQuestionScreen:
    def test_no_answer_or_explanation_while_in_progress(self):
        attempt = started()
        screen = attempt_question_screen(attempt=attempt, position=1)
        content = attempt.questions.get(position=1).version.content
        assert screen.explanation == ""
        assert all(option.is_correct is None for option in screen.options)
        dumped = json.dumps([option.__dict__ for option in screen.options], ensure_ascii=False)
        assert content["explanation"] not in dumped + screen.stem
        assert [o.letter for o in screen.options] == list("ABCD")
        assert [o.key for o in screen.options] == attempt.questions.get(position=1).option_order

    def test_after_submission_the_answers_show(self):
        attempt = started()
        exam_attempt_submit(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        screen = attempt_question_screen(attempt=attempt, position=1)
        assert screen.explanation
        assert sum(bool(option.is_correct) for option in screen.options) == 1

    def test_after_close_exams_hide_answers_until_they_close(self):
        attempt = started(show_answers=Exam.ShowAnswers.AFTER_CLOSE)
        exam_attempt_submit(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        assert attempt_question_screen(attempt=attempt, position=1).explanation == ""

    def test_map_and_neighbours(self):
        attempt = started()
        exam_attempt_answer(attempt=attempt, user=attempt.user, position=2, answer=["A"])
        screen = attempt_question_screen(attempt=attempt, position=2)
        assert [entry.answered for entry in screen.question_map][:3] == [False, True, False]
        assert (screen.previous_position, screen.next_position, screen.count) == (1, 3, 10)
        assert screen.answer == ["A"]
        with pytest.raises(Http404):
            attempt_question_screen(attempt=attempt, position=11)

    @pytest.mark.parametrize("singles", [10, 100])
    def test_queries_are_the_same_whatever_the_number_of_questions(
        self, singles, django_assert_num_queries
    ):
        attempt = started(singles=singles)
        with django_assert_num_queries(2):
            screen = attempt_question_screen(attempt=attempt, position=5)
        assert screen.count == singles


class TestResult:
    def test_scores_per_section_and_topic_and_weakest_topics(self):
        attempt = started(singles=4)
        questions = list(attempt.questions.select_related("version", "question__topic"))
        for question in questions:
            key = question.version.content["answer"][0]
            right = question.question.topic.name == "第一章"
            exam_attempt_answer(
                attempt=attempt,
                user=attempt.user,
                position=question.position,
                answer=[key if right else next(k for k in "ABCD" if k != key)],
            )
        exam_attempt_submit(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        result = exam_attempt_result(attempt=attempt)
        assert [(s.score, s.points) for s in result.sections] == [(Decimal(2), Decimal(4))]
        assert [(t.label, t.score, t.points) for t in result.topics] == [
            ("第一章", Decimal(2), Decimal(2)),
            ("第二章", Decimal(0), Decimal(2)),
        ]
        assert [t.label for t in result.weakest_topics] == ["第二章"]
        assert result.answers_visible and len(result.review) == 4
        assert all(item.content["explanation"] for item in result.review)

    def test_hidden_answers_are_left_out_of_the_review(self):
        attempt = started(singles=2, show_answers=Exam.ShowAnswers.NEVER)
        exam_attempt_submit(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        result = exam_attempt_result(attempt=attempt)
        assert not result.answers_visible
        assert all(
            i.content["answer"] == [] and not i.content["explanation"] for i in result.review
        )


class TestCourseExams:
    def test_summary_of_the_trainees_attempts(self, django_assert_num_queries):
        attempt = started(singles=2, attempts_allowed=3)
        answer_all(attempt)
        exam_attempt_submit(attempt_id=attempt.pk)
        Exam.objects.create(course=attempt.exam.course, bank=attempt.exam.bank, title="草稿")
        with django_assert_num_queries(2):
            (summary,) = exams_for_course(course=attempt.exam.course, user=attempt.user)
        assert summary.passed is False  # 2 of 2 points, pass mark 60
        assert (summary.best_score, summary.attempts_left, summary.in_progress) == (
            Decimal(2),
            2,
            None,
        )


class TestCompletionRule:
    def test_a_required_exam_must_be_passed_to_complete(self):
        bank = bank_of(2)
        exam = ex.exam(
            bank=bank,
            sections=[(QuestionType.SINGLE, 2, 50)],
            required_for_completion=True,
            pass_mark=Decimal(60),
        )
        enrollment = ef.enrollment(course=exam.course)
        assert enrollment_completion_evaluate(enrollment_id=enrollment.pk) is False
        failed = exam_attempt_start(user=enrollment.user, exam=exam)
        answer_all(failed, right=False)
        exam_attempt_submit(attempt_id=failed.pk)
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.ACTIVE
        passed = exam_attempt_start(user=enrollment.user, exam=exam)
        answer_all(passed)
        assert exam_attempt_submit(attempt_id=passed.pk).passed
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.COMPLETED
        assert enrollment.certificate is not None

    def test_an_exam_not_required_does_not_hold_completion(self):
        bank = bank_of(2)
        exam = ex.exam(bank=bank, sections=[(QuestionType.SINGLE, 2, 1)])
        enrollment = ef.enrollment(course=exam.course)
        assert enrollment_completion_evaluate(enrollment_id=enrollment.pk) is True


class TestPractice:
    @pytest.fixture
    def setting(self):
        bank = bank_of(4)
        exam = ex.exam(bank=bank, sections=[(QuestionType.SINGLE, 2, 1)])
        user = ef.enrollment(course=exam.course).user
        return bank, user

    def test_answer_is_checked_and_explained_at_once(self, setting):
        bank, user = setting
        question = bank.questions.first()
        right = question.content()["answer"]
        result = practice_answer(user=user, question=question, answer=right)
        assert result.is_correct and result.content["explanation"]
        assert PracticeAnswer.objects.get(user=user).is_correct

    def test_only_banks_of_the_trainees_courses(self, setting):
        bank, _user = setting
        with pytest.raises(PermissionDenied):
            practice_answer(user=people.trainee(), question=bank.questions.first(), answer=["A"])

    def test_wrong_answer_book_is_cleared_after_two_right_in_a_row(self, setting):
        bank, user = setting
        question = bank.questions.first()
        right = question.content()["answer"]
        wrong = [next(k for k in "ABCD" if k not in right)]
        practice_answer(user=user, question=question, answer=wrong)
        practice_answer(user=user, question=question, answer=right)
        practice_answer(user=user, question=question, answer=wrong)  # the run starts again
        practice_answer(user=user, question=question, answer=right)
        assert list(wrong_answers_for_user(user=user)) == [WrongAnswer.objects.get(user=user)]
        entry = WrongAnswer.objects.get(user=user)
        assert (entry.times_wrong, entry.right_in_a_row) == (2, 1)
        practice_answer(user=user, question=question, answer=right)
        assert not wrong_answers_for_user(user=user).exists()
        wrong_answer_record(user=user, question_id=question.pk, correct=False)
        assert wrong_answers_for_user(user=user).count() == 1

    def test_practice_questions_by_topic_and_wrong_only(self, setting):
        bank, user = setting
        chapter = bank.topics.get(name="第一章")
        by_topic = practice_questions(bank=bank, topic=chapter)
        assert {q.topic_id for q in by_topic} == {chapter.pk} and by_topic.count() == 2
        question = bank.questions.last()
        wrong_answer_record(user=user, question_id=question.pk, correct=False)
        assert list(practice_questions(bank=bank, user=user, wrong_only=True)) == [question]
        assert not practice_questions(bank=bank, wrong_only=True).exists()
