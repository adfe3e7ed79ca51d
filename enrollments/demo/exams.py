"""The demo trainee's finished mock exam, with wrong answers in their wrong-answer book.

Everything goes through the exam services, as if 李晓明 had taken the exam on a phone:
the paper is drawn, each answer saved, the attempt submitted and marked, and the
questions answered wrongly recorded in the 错题本. Safe to run again: a trainee with a
submitted attempt of the exam is left as they are.
"""

from django.contrib.auth import get_user_model

from courses.models import Exam, QuestionType
from enrollments.models import AttemptQuestion, Enrollment, ExamAttempt
from enrollments.services.enrollment import enrollment_enrol
from enrollments.services.exams import (
    exam_attempt_answer,
    exam_attempt_start,
    exam_attempt_submit,
)

User = get_user_model()

DEMO_TRAINEE = "trainee"
DEMO_COURSE_SLUG = "comprehensive"
# Every seventh single-choice question and every third multiple-choice question of the
# paper is answered wrongly; half of those multiple-choice answers miss a right option
# (partial credit), the other half add a wrong one (no credit).
WRONG_SINGLE_EVERY = 7
WRONG_MULTIPLE_EVERY = 3


def _wrong_key(keys: list[str], answer: list[str]) -> str:
    return next(key for key in keys if key not in answer)


def demo_answer(question: AttemptQuestion, index: int) -> list[str]:
    """The demo trainee's answer to the ``index``-th question of its type in the paper."""
    content = question.version.content
    answer = list(content["answer"])
    keys = [option["key"] for option in content["options"]]
    if content["type"] == QuestionType.SINGLE and index % WRONG_SINGLE_EVERY == 0:
        return [_wrong_key(keys, answer)]
    if content["type"] == QuestionType.MULTIPLE and index % WRONG_MULTIPLE_EVERY == 0:
        if index % (2 * WRONG_MULTIPLE_EVERY) == 0:
            return [answer[0], _wrong_key(keys, answer)]
        return answer[:-1]
    return answer


def seed_exam_attempts() -> None:
    trainee = User.objects.filter(username=DEMO_TRAINEE).first()
    exam = (
        Exam.objects.filter(
            course__slug=DEMO_COURSE_SLUG, kind=Exam.Kind.MOCK, required_for_completion=True
        )
        .order_by("pk")
        .first()
    )
    if trainee is None or exam is None:
        return
    submitted = ExamAttempt.objects.filter(exam=exam, user=trainee).exclude(
        status=ExamAttempt.Status.IN_PROGRESS
    )
    if submitted.exists():
        return
    if not Enrollment.objects.filter(
        user=trainee, course=exam.course, status__in=Enrollment.LEARNING_STATUSES
    ).exists():
        enrollment_enrol(user=trainee, course=exam.course.specific)
    attempt = exam_attempt_start(user=trainee, exam=exam)
    seen: dict[str, int] = {}
    for question in attempt.questions.select_related("version").order_by("position"):
        kind = question.version.content["type"]
        seen[kind] = seen.get(kind, 0) + 1
        exam_attempt_answer(
            attempt=attempt,
            user=trainee,
            position=question.position,
            answer=demo_answer(question, seen[kind]),
        )
    exam_attempt_submit(attempt_id=attempt.pk)
