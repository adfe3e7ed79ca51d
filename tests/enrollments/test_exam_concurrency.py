"""Racing requests of one trainee: the database keeps one attempt in progress."""

import pytest

from courses.models import QuestionType
from enrollments.models import ExamAttempt
from enrollments.services.exams import exam_attempt_answer, exam_attempt_start, exam_attempt_submit
from tests.concurrency import run_in_threads
from tests.courses import exam_factories as ex
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def exam():
    bank = ex.bank()
    for _index in range(6):
        ex.single(bank=bank)
    return ex.exam(bank=bank, sections=[(QuestionType.SINGLE, 5, 1)], time_limit_minutes=60)


def test_starts_at_once_make_one_attempt_in_progress(exam):
    user = ef.enrollment(course=exam.course).user
    results, errors = run_in_threads(lambda _index: exam_attempt_start(user=user, exam=exam).pk, 5)
    assert errors == []
    assert len(set(results)) == 1
    attempt = ExamAttempt.objects.get(exam=exam, user=user)
    assert attempt.questions.count() == 5


def test_an_answer_racing_the_submission_is_marked_or_refused_never_lost(exam):
    user = ef.enrollment(course=exam.course).user
    attempt = exam_attempt_start(user=user, exam=exam)
    question = attempt.questions.select_related("version").get(position=1)
    right = question.version.content["answer"]

    def act(index):
        if index == 0:
            return exam_attempt_submit(attempt_id=attempt.pk).pk
        return exam_attempt_answer(attempt=attempt, user=user, position=1, answer=right).pk

    _results, errors = run_in_threads(act, 2)
    attempt.refresh_from_db()
    question.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.MARKED
    if errors:  # the submission came first: the answer was refused, not saved
        assert [type(error).__name__ for error in errors] == ["ExamAttemptClosed"]
        assert question.answer is None and attempt.score == 0
    else:  # the answer came first: it was marked
        assert question.answer == right and attempt.score == 1
