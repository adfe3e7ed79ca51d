"""The demo trainee's finished mock exam, with wrong answers in their wrong-answer book.

The attempt is written as rows: a paper drawn from the exam's sections with a fixed
seed, each question's frozen version, the demo trainee's answers, their marks by the
national rule, and a wrong-answer entry for each question not answered right. Safe to
run again: a trainee with a submitted attempt of the exam is left as they are.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from courses.models import Exam, Question, QuestionType, QuestionVersion
from enrollments.models import AttemptQuestion, Enrollment, ExamAttempt, WrongAnswer
from enrollments.services.enrollment import enrollment_enrol

User = get_user_model()

DEMO_TRAINEE = "trainee"
DEMO_COURSE_SLUG = "comprehensive"
DEMO_SEED = 20260601
# Every seventh single-choice question and every third multiple-choice question of the
# paper is answered wrongly; half of those multiple-choice answers miss a right option
# (partial credit), the other half add a wrong one (no credit).
WRONG_SINGLE_EVERY = 7
WRONG_MULTIPLE_EVERY = 3


def _wrong_key(keys: list[str], answer: list[str]) -> str:
    return next(key for key in keys if key not in answer)


def demo_answer(content: dict, index: int) -> list[str]:
    """The demo trainee's answer to the ``index``-th question of its type in the paper."""
    answer = list(content["answer"])
    keys = [option["key"] for option in content["options"]]
    if content["type"] == QuestionType.SINGLE and index % WRONG_SINGLE_EVERY == 0:
        return [_wrong_key(keys, answer)]
    if content["type"] == QuestionType.MULTIPLE and index % WRONG_MULTIPLE_EVERY == 0:
        if index % (2 * WRONG_MULTIPLE_EVERY) == 0:
            return sorted([answer[0], _wrong_key(keys, answer)])
        return answer[:-1]
    return answer


def _score(content: dict, answer: list[str], points: Decimal) -> Decimal:
    right, chosen = set(content["answer"]), set(answer)
    if chosen == right:
        return points
    if content["type"] != QuestionType.MULTIPLE or not chosen <= right:
        return Decimal(0)
    # The national rule: no wrong option chosen, 0.5 of the 2 points per right one.
    return min(points, points / 4 * len(chosen))


def _version(question: Question) -> QuestionVersion:
    content = question.content()
    content_hash = QuestionVersion.hash_content(content)
    version = QuestionVersion.objects.filter(question=question, content_hash=content_hash).first()
    if version is None:
        number = question.versions.count() + 1
        version = QuestionVersion.objects.create(
            question=question, number=number, content=content, content_hash=content_hash
        )
    return version


@transaction.atomic
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
    if ExamAttempt.objects.filter(exam=exam, user=trainee).exists():
        return
    enrollment = Enrollment.objects.filter(
        user=trainee, course=exam.course, status__in=Enrollment.LEARNING_STATUSES
    ).first() or enrollment_enrol(user=trainee, course=exam.course.specific)
    rng = random.Random(DEMO_SEED)
    drawn: list[tuple[int, Question, Decimal]] = []
    for index, section in enumerate(exam.sections.order_by("sort_order")):
        pool = list(
            Question.objects.filter(
                bank=exam.bank, question_type=section.question_type, is_active=True
            )
            .prefetch_related("options", "sub_questions")
            .order_by("pk")
        )
        drawn.extend(
            (index, question, section.points) for question in rng.sample(pool, section.count)
        )
    submitted_at = timezone.now() - timedelta(days=2)
    started_at = submitted_at - timedelta(minutes=96)
    attempt = ExamAttempt.objects.create(
        exam=exam,
        user=trainee,
        enrollment=enrollment,
        number=1,
        seed=DEMO_SEED,
        status=ExamAttempt.Status.MARKED,
        started_at=started_at,
        deadline_at=started_at + timedelta(minutes=exam.time_limit_minutes or 0),
        submitted_at=submitted_at,
        marked_at=submitted_at,
        total_points=sum((points for _index, _question, points in drawn), Decimal(0)),
        last_position=len(drawn),
    )
    seen: dict[str, int] = {}
    questions, wrong = [], []
    for position, (index, question, points) in enumerate(drawn, start=1):
        version = _version(question)
        content = version.content
        seen[content["type"]] = seen.get(content["type"], 0) + 1
        answer = demo_answer(content, seen[content["type"]])
        score = _score(content, answer, points)
        questions.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                section_index=index,
                question=question,
                version=version,
                points=points,
                option_order=[option["key"] for option in content["options"]],
                answer=answer,
                answered_at=started_at + timedelta(minutes=position),
                score=score,
            )
        )
        if set(answer) != set(content["answer"]):
            wrong.append(WrongAnswer(user=trainee, question=question, last_wrong_at=submitted_at))
    AttemptQuestion.objects.bulk_create(questions)
    WrongAnswer.objects.bulk_create(wrong, ignore_conflicts=True)
    attempt.score = sum((question.score or Decimal(0) for question in questions), Decimal(0))
    attempt.passed = attempt.score >= exam.pass_mark
    attempt.save(update_fields=["score", "passed"])
