"""The evaluation records' own constraints, and the default questionnaire from the migrations."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from enrollments.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionnaire,
)
from tests.courses import factories as tree
from tests.enrollments import factories

pytestmark = pytest.mark.django_db


def test_the_migrations_leave_one_default_questionnaire_with_four_ratings_and_a_comment():
    questionnaire = EvaluationQuestionnaire.objects.get(is_default=True)
    questions = list(questionnaire.questions.values_list("kind", "aspect", "text", "required"))
    assert questionnaire.course is None
    assert questions == [
        ("rating", "content", "课程内容", True),
        ("rating", "trainer", "讲师", True),
        ("rating", "organisation", "组织安排", True),
        ("rating", "usefulness", "实用性", True),
        ("text", "other", "意见和建议", False),
    ]


def test_a_second_default_questionnaire_is_refused():
    EvaluationQuestionnaire.objects.create(name="另一份", is_default=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationQuestionnaire.objects.create(name="第二份默认", is_default=True)


def _evaluation(*, enrollment, session=None):
    return Evaluation.objects.create(
        enrollment=enrollment,
        session=session,
        questionnaire=EvaluationQuestionnaire.objects.get(is_default=True),
        submitted_at=timezone.now(),
    )


def test_one_evaluation_per_session_and_one_of_the_whole_course():
    course = tree.course(sessions=2)
    first, second = course.sessions.all()
    enrollment = factories.enrollment(course=course)
    _evaluation(enrollment=enrollment, session=first)
    _evaluation(enrollment=enrollment, session=second)
    _evaluation(enrollment=enrollment)
    with pytest.raises(IntegrityError), transaction.atomic():
        _evaluation(enrollment=enrollment, session=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        _evaluation(enrollment=enrollment)
    assert enrollment.evaluations.count() == 3


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_1_to_5_is_refused_by_the_database(rating):
    evaluation = _evaluation(enrollment=factories.enrollment(course=tree.course()))
    question = EvaluationQuestion.objects.filter(kind="rating").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationAnswer.objects.create(evaluation=evaluation, question=question, rating=rating)
    EvaluationAnswer.objects.create(evaluation=evaluation, question=question, rating=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationAnswer.objects.create(evaluation=evaluation, question=question, rating=4)
