from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from courses.models import QuestionType, QuestionVersion
from enrollments.models import (
    AttemptQuestion,
    Enrollment,
    ExamAttempt,
    Notification,
    NotificationKind,
    WrongAnswer,
)
from enrollments.services.exams import (
    ExamAnswerInvalid,
    ExamAttemptClosed,
    ExamDrawingError,
    ExamNotAvailable,
    exam_attempt_answer,
    exam_attempt_finalise,
    exam_attempt_flag,
    exam_attempt_start,
    exam_attempt_submit,
    exam_attempts_expire,
    exam_paper_draw,
    question_version_current,
)
from tests.academy import factories as people
from tests.courses import exam_factories as ex
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Status = ExamAttempt.Status


@pytest.fixture
def bank():
    bank = ex.bank(name="社会工作综合能力题库")
    parent = ex.topic(bank=bank, name="第一章")
    child = ex.topic(bank=bank, name="第一节", parent=parent)
    other = ex.topic(bank=bank, name="第二章")
    for index in range(12):
        ex.single(bank=bank, topic=(parent, child, other)[index % 3])
    for index in range(6):
        ex.multiple(bank=bank, topic=(child, other)[index % 2])
    ex.single(bank=bank, is_active=False)
    return bank


def mock_exam(bank, **fields):
    fields.setdefault(
        "sections",
        [(QuestionType.SINGLE, 8, 1), (QuestionType.MULTIPLE, 4, 2)],
    )
    return ex.exam(bank=bank, **fields)


def trainee_in(exam):
    return ef.enrollment(course=exam.course).user


def right_answer(question: AttemptQuestion):
    return question.version.content["answer"]


class TestDrawing:
    def test_each_section_gets_its_count_and_type_and_no_question_twice(self, bank):
        exam = mock_exam(bank)
        drawn = exam_paper_draw(exam=exam, seed=7)
        assert [item.section_index for item in drawn] == [0] * 8 + [1] * 4
        assert {item.question.question_type for item in drawn[:8]} == {"single"}
        assert {item.question.question_type for item in drawn[8:]} == {"multiple"}
        assert len({item.question.pk for item in drawn}) == 12
        assert all(item.question.is_active for item in drawn)
        assert [item.points for item in drawn] == [Decimal(1)] * 8 + [Decimal(2)] * 4

    def test_the_same_seed_draws_the_same_paper_and_another_seed_another(self, bank):
        exam = mock_exam(bank)

        def paper(seed):
            return [
                (i.question.pk, tuple(i.option_order))
                for i in exam_paper_draw(exam=exam, seed=seed)
            ]

        assert paper(42) == paper(42)
        assert paper(42) != paper(43)

    def test_options_are_shuffled_per_seed_but_keep_their_keys(self, bank):
        exam = mock_exam(bank)
        orders = {tuple(exam_paper_draw(exam=exam, seed=seed)[0].option_order) for seed in range(8)}
        assert len(orders) > 1
        assert all(sorted(order) == list("ABCD") for order in orders)

    def test_topic_filter_takes_the_topic_and_its_subtopics(self, bank):
        chapter = bank.topics.get(name="第一章")
        exam = mock_exam(bank, sections=[(QuestionType.SINGLE, 8, 1, {"topic": chapter})])
        drawn = exam_paper_draw(exam=exam, seed=1)
        assert {item.question.topic.path for item in drawn} == {"第一章", "第一章 / 第一节"}

    def test_a_section_the_bank_cannot_fill_is_an_error(self, bank):
        exam = mock_exam(bank, sections=[(QuestionType.MULTIPLE, 7, 2)])
        with pytest.raises(ExamDrawingError, match="7"):
            exam_paper_draw(exam=exam, seed=1)

    def test_questions_taken_by_one_section_are_not_counted_for_the_next(self, bank):
        exam = mock_exam(bank, sections=[(QuestionType.SINGLE, 8, 1), (QuestionType.SINGLE, 5, 1)])
        with pytest.raises(ExamDrawingError):
            exam_paper_draw(exam=exam, seed=1)

    def test_fixed_paper_keeps_the_chosen_questions(self, bank):
        chosen = list(bank.questions.filter(is_active=True)[:3])
        exam = ex.exam(bank=bank, fixed=[(q, 5) for q in chosen], shuffle_questions=False)
        drawn = exam_paper_draw(exam=exam, seed=3)
        assert [item.question.pk for item in drawn] == [q.pk for q in chosen]
        assert {item.points for item in drawn} == {Decimal(5)}

    def test_a_version_is_made_once_per_content_and_again_after_an_edit(self, bank):
        question = bank.questions.filter(is_active=True).first()
        first = question_version_current(question=question)
        assert question_version_current(question=question) == first
        question.stem = "改过的题干"
        question.save()
        second = question_version_current(question=question)
        assert (first.number, second.number) == (1, 2)
        first.refresh_from_db()
        assert first.content["stem"] != "改过的题干"
        assert QuestionVersion.objects.filter(question=question).count() == 2


class TestStarting:
    def test_start_draws_the_paper_and_resumes_it(self, bank):
        exam = mock_exam(bank, time_limit_minutes=90)
        user = trainee_in(exam)
        attempt = exam_attempt_start(user=user, exam=exam)
        assert attempt.questions.count() == 12
        assert attempt.total_points == Decimal(16)
        assert attempt.deadline_at == attempt.started_at + timedelta(minutes=90)
        assert attempt.enrollment.user == user
        assert exam_attempt_start(user=user, exam=exam) == attempt
        assert ExamAttempt.objects.filter(exam=exam, user=user).count() == 1

    def test_the_paper_comes_back_from_the_stored_seed(self, bank):
        exam = mock_exam(bank)
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        stored = list(attempt.questions.order_by("position").values_list("question_id", flat=True))
        assert [i.question.pk for i in exam_paper_draw(exam=exam, seed=attempt.seed)] == stored

    def test_deadline_never_after_the_exam_closes(self, bank):
        closes = timezone.now() + timedelta(minutes=10)
        exam = mock_exam(bank, time_limit_minutes=90, closes_at=closes)
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        assert attempt.deadline_at == closes

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"is_published": False}, "尚未开放"),
            ({"opens_at": timezone.now() + timedelta(days=1)}, "尚未开放"),
            ({"closes_at": timezone.now() - timedelta(minutes=1)}, "已截止"),
        ],
    )
    def test_not_open_or_closed(self, bank, fields, message):
        exam = mock_exam(bank, **fields)
        with pytest.raises(ExamNotAvailable, match=message):
            exam_attempt_start(user=trainee_in(exam), exam=exam)

    def test_not_enrolled(self, bank):
        exam = mock_exam(bank)
        with pytest.raises(ExamNotAvailable, match="报名"):
            exam_attempt_start(user=people.trainee(), exam=exam)
        withdrawn = ef.enrollment(course=exam.course, status=Enrollment.Status.WITHDRAWN)
        with pytest.raises(ExamNotAvailable):
            exam_attempt_start(user=withdrawn.user, exam=exam)

    def test_attempts_limit(self, bank):
        exam = mock_exam(bank, attempts_allowed=2)
        user = trainee_in(exam)
        for _number in range(2):
            exam_attempt_submit(attempt_id=exam_attempt_start(user=user, exam=exam).pk)
        with pytest.raises(ExamNotAvailable, match="2"):
            exam_attempt_start(user=user, exam=exam)
        assert list(
            ExamAttempt.objects.filter(exam=exam, user=user).values_list("number", flat=True)
        ) == [2, 1]

    def test_an_expired_attempt_is_submitted_before_a_new_one_starts(self, bank):
        exam = mock_exam(bank, time_limit_minutes=30)
        user = trainee_in(exam)
        old = exam_attempt_start(user=user, exam=exam)
        ExamAttempt.objects.filter(pk=old.pk).update(deadline_at=timezone.now())
        new = exam_attempt_start(user=user, exam=exam)
        old.refresh_from_db()
        assert new != old and old.expired and old.status == Status.MARKED


class TestAnswering:
    @pytest.fixture
    def attempt(self, bank):
        exam = mock_exam(bank, time_limit_minutes=60)
        return exam_attempt_start(user=trainee_in(exam), exam=exam)

    def test_answer_is_saved_with_original_keys_and_can_be_changed(self, attempt):
        saved = exam_attempt_answer(
            attempt=attempt, user=attempt.user, position=9, answer=["C", "A"]
        )
        assert saved.answer == ["A", "C"]
        exam_attempt_answer(attempt=attempt, user=attempt.user, position=9, answer=None)
        row = attempt.questions.get(position=9)
        assert row.answer is None and row.answered_at is None
        attempt.refresh_from_db()
        assert attempt.last_position == 9

    def test_malformed_answers_are_refused(self, attempt):
        with pytest.raises(ExamAnswerInvalid):
            exam_attempt_answer(attempt=attempt, user=attempt.user, position=1, answer=["A", "B"])
        with pytest.raises(ValueError):
            exam_attempt_answer(attempt=attempt, user=attempt.user, position=99, answer=["A"])

    def test_another_trainee_cannot_answer(self, attempt):
        with pytest.raises(PermissionDenied):
            exam_attempt_answer(attempt=attempt, user=people.trainee(), position=1, answer=["A"])

    def test_an_answer_after_the_deadline_is_not_counted(self, attempt):
        ExamAttempt.objects.filter(pk=attempt.pk).update(
            deadline_at=timezone.now() - timedelta(seconds=1)
        )
        with pytest.raises(ExamAttemptClosed):
            exam_attempt_answer(attempt=attempt, user=attempt.user, position=1, answer=["A"])
        assert attempt.questions.get(position=1).answer is None

    def test_no_answer_once_submitted(self, attempt):
        exam_attempt_submit(attempt_id=attempt.pk)
        with pytest.raises(ExamAttemptClosed):
            exam_attempt_answer(attempt=attempt, user=attempt.user, position=1, answer=["A"])
        with pytest.raises(ExamAttemptClosed):
            exam_attempt_flag(attempt=attempt, user=attempt.user, position=1, flagged=True)

    def test_flag(self, attempt):
        exam_attempt_flag(attempt=attempt, user=attempt.user, position=3, flagged=True)
        assert list(attempt.questions.filter(flagged=True).values_list("position", flat=True)) == [
            3
        ]

    def test_answer_queries_are_few(self, attempt, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            exam_attempt_answer(attempt=attempt, user=attempt.user, position=2, answer=["B"])


class TestSubmitting:
    def test_objective_paper_is_marked_and_final_at_submission(self, bank):
        exam = mock_exam(bank, pass_mark=Decimal(10))
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        questions = list(attempt.questions.select_related("version").order_by("position"))
        for question in questions[:8]:  # every single choice right: 8 points
            exam_attempt_answer(
                attempt=attempt,
                user=attempt.user,
                position=question.position,
                answer=right_answer(question),
            )
        # one multiple choice with one right option of two: 0.5; one with a wrong one: 0
        half, wrong = questions[8], questions[9]
        exam_attempt_answer(
            attempt=attempt,
            user=attempt.user,
            position=half.position,
            answer=right_answer(half)[:1],
        )
        wrong_key = next(k for k in "ABCDE" if k not in right_answer(wrong))
        exam_attempt_answer(
            attempt=attempt,
            user=attempt.user,
            position=wrong.position,
            answer=[*right_answer(wrong), wrong_key],
        )
        submitted = exam_attempt_submit(attempt_id=attempt.pk)
        assert submitted.status == Status.MARKED
        assert submitted.score == Decimal("8.5")
        assert submitted.passed is False
        assert submitted.submitted_at and submitted.marked_at and not submitted.expired
        # the two multiple choices not fully right are in the wrong-answer book; unanswered ones not
        assert set(
            WrongAnswer.objects.filter(user=attempt.user).values_list("question_id", flat=True)
        ) == {
            half.question_id,
            wrong.question_id,
        }
        notice = Notification.objects.get(recipient=attempt.user, kind=NotificationKind.EXAM_RESULT)
        assert "8.5" in notice.body

    def test_submit_twice_changes_nothing(self, bank):
        exam = mock_exam(bank)
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        first = exam_attempt_submit(attempt_id=attempt.pk)
        again = exam_attempt_submit(attempt_id=attempt.pk, expired=True)
        assert (again.submitted_at, again.expired, again.score) == (first.submitted_at, False, 0)
        assert Notification.objects.filter(recipient=attempt.user).count() == 1

    def test_case_answers_wait_for_marking_then_finalise(self, bank):
        case = ex.case(bank=bank)
        single = bank.questions.filter(question_type="single", is_active=True).first()
        exam = ex.exam(bank=bank, fixed=[(single, 20), (case, 80)], pass_mark=Decimal(60))
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        by_question = {q.question_id: q for q in attempt.questions.select_related("version")}
        exam_attempt_answer(
            attempt=attempt,
            user=attempt.user,
            position=by_question[single.pk].position,
            answer=right_answer(by_question[single.pk]),
        )
        exam_attempt_answer(
            attempt=attempt,
            user=attempt.user,
            position=by_question[case.pk].position,
            answer=["先建立关系", "再制定计划"],
        )
        submitted = exam_attempt_submit(attempt_id=attempt.pk)
        assert submitted.status == Status.AWAITING_MARKING and submitted.score is None
        assert exam_attempt_finalise(attempt_id=attempt.pk).status == Status.AWAITING_MARKING
        assert not Notification.objects.filter(recipient=attempt.user).exists()
        AttemptQuestion.objects.filter(attempt=attempt, question=case).update(score=Decimal(50))
        final = exam_attempt_finalise(attempt_id=attempt.pk)
        assert (final.status, final.score, final.passed) == (Status.MARKED, Decimal(70), True)

    def test_an_unanswered_case_scores_zero_and_needs_no_marking(self, bank):
        case = ex.case(bank=bank)
        exam = ex.exam(bank=bank, fixed=[(case, 20)])
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        submitted = exam_attempt_submit(attempt_id=attempt.pk)
        assert (submitted.status, submitted.score) == (Status.MARKED, Decimal(0))


class TestExpiry:
    def test_the_task_submits_attempts_past_their_deadline_only(self, bank):
        exam = mock_exam(bank, time_limit_minutes=30)
        late, on_time = trainee_in(exam), trainee_in(exam)
        late_attempt = exam_attempt_start(user=late, exam=exam)
        on_time_attempt = exam_attempt_start(user=on_time, exam=exam)
        position = late_attempt.questions.get(position=1)
        exam_attempt_answer(
            attempt=late_attempt, user=late, position=1, answer=right_answer(position)
        )
        assert exam_attempts_expire(now=timezone.now() + timedelta(minutes=29)) == 0
        assert exam_attempts_expire(now=timezone.now() + timedelta(minutes=31)) == 2
        late_attempt.refresh_from_db()
        assert late_attempt.expired and late_attempt.status == Status.MARKED
        assert late_attempt.score == Decimal(1)
        assert exam_attempts_expire(now=timezone.now() + timedelta(minutes=31)) == 0
        on_time_attempt.refresh_from_db()
        assert on_time_attempt.submitted_at is not None

    def test_the_scheduler_runs_the_task(self, settings):
        from django_rq.cron import DjangoCronScheduler

        from enrollments.tasks import exam_attempts_expire_task

        scheduler = DjangoCronScheduler()
        scheduler.load_config_from_file("enrollments.cron")
        [job] = [job for job in scheduler.get_jobs() if job.name == "exam_attempts_expire"]
        assert job.func is exam_attempts_expire_task.func
        assert job.interval == settings.EXAM_EXPIRY_INTERVAL_SECONDS

    def test_the_task_runs_the_service(self, bank):
        from enrollments.tasks import exam_attempts_expire_task

        exam = mock_exam(bank, time_limit_minutes=30)
        attempt = exam_attempt_start(user=trainee_in(exam), exam=exam)
        ExamAttempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now())
        exam_attempts_expire_task.enqueue()
        attempt.refresh_from_db()
        assert attempt.status == Status.MARKED and attempt.expired


class TestQueries:
    """Starting and submitting cost the same queries whatever the length of the paper."""

    def measure(self, singles):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        bank = ex.bank()
        for _index in range(singles):
            ex.single(bank=bank)
        exam = ex.exam(bank=bank, sections=[(QuestionType.SINGLE, singles, 1)])
        user = trainee_in(exam)
        exam_attempt_submit(attempt_id=exam_attempt_start(user=user, exam=exam).pk)
        with CaptureQueriesContext(connection) as started:
            attempt = exam_attempt_start(user=user, exam=exam)
        for question in attempt.questions.select_related("version"):
            wrong = next(k for k in "ABCD" if k not in right_answer(question))
            exam_attempt_answer(
                attempt=attempt, user=user, position=question.position, answer=[wrong]
            )
        with CaptureQueriesContext(connection) as submitted:
            exam_attempt_submit(attempt_id=attempt.pk)
        return len(started), len(submitted)

    def test_start_and_submit_queries_do_not_grow_with_the_paper(self):
        assert self.measure(5) == self.measure(40)
