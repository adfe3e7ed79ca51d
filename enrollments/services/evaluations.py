"""Trainees evaluate a session they attended, or the whole course once they completed it."""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from courses.models import ClassSession
from enrollments.models import Enrollment, Evaluation, EvaluationAnswer, EvaluationQuestion
from enrollments.models.evaluations import RATING_MAX, RATING_MIN
from enrollments.selectors.evaluations import (
    evaluation_already_given,
    evaluation_questionnaire_for,
    evaluation_refusal,
)

TEXT_MAX_LENGTH = 2000


def evaluation_answer_field(question: EvaluationQuestion) -> str:
    """The name under which a form and the service's errors carry a question's answer."""
    return f"question_{question.pk}"


def _checked_answers(
    *, questions: list[EvaluationQuestion], answers: Mapping[int, object]
) -> list[EvaluationAnswer]:
    """The answers as unsaved rows; every problem is reported under its question's field."""
    rows, problems = [], {}
    for question in questions:
        raw = answers.get(question.pk)
        given = raw is not None and str(raw).strip() != ""
        if not given:
            if question.required:
                problems[evaluation_answer_field(question)] = RuleViolation(
                    _("Please answer this question."), code="required"
                )
            continue
        if question.kind == EvaluationQuestion.Kind.RATING:
            try:
                rating = int(str(raw))
            except ValueError:
                rating = 0
            if not RATING_MIN <= rating <= RATING_MAX:
                problems[evaluation_answer_field(question)] = RuleViolation(
                    _("Choose a rating from 1 to 5."), code="bad_rating"
                )
                continue
            rows.append(EvaluationAnswer(question=question, rating=rating))
        else:
            text = str(raw).strip()
            if len(text) > TEXT_MAX_LENGTH:
                problems[evaluation_answer_field(question)] = RuleViolation(
                    _("Please keep your answer to %(max)d characters.") % {"max": TEXT_MAX_LENGTH},
                    code="too_long",
                )
                continue
            rows.append(EvaluationAnswer(question=question, text=text))
    if problems:
        raise RuleViolation(problems)
    return rows


def evaluation_submit(
    *,
    user: User,
    enrollment_id: int,
    session_id: int | None,
    answers: Mapping[int, object],
) -> Evaluation:
    """Record the trainee's evaluation of a session (or, with no session, of the course).

    ``answers`` maps question ids to a rating (1–5) or a text. Refused: someone else's
    enrolment, a session of another course, not yet ended or not attended, a course not
    completed, a second evaluation, a rating outside 1–5, a required question left out.
    Everything is written in one transaction; the unique constraints back the one-per-
    session rule against two submissions at once.
    """
    enrollment = Enrollment.objects.filter(pk=enrollment_id, user=user).first()
    if enrollment is None:
        raise RuleViolation(_("This is not one of your enrolments."), code="not_yours")
    session = None
    if session_id is not None:
        session = ClassSession.objects.filter(pk=session_id).first()
        if session is None:
            raise RuleViolation(_("This session does not exist."), code="unknown_session")
    refusal = evaluation_refusal(enrollment=enrollment, session=session)
    if refusal is not None:
        raise refusal
    questionnaire = evaluation_questionnaire_for(course_id=enrollment.course_id)
    if questionnaire is None:
        raise RuleViolation(_("There is no questionnaire to answer."), code="no_questionnaire")
    rows = _checked_answers(questions=list(questionnaire.questions.all()), answers=answers)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                enrollment=enrollment,
                session=session,
                questionnaire=questionnaire,
                submitted_at=timezone.now(),
            )
            for row in rows:
                row.evaluation = evaluation
            EvaluationAnswer.objects.bulk_create(rows)
    except IntegrityError as error:
        raise evaluation_already_given(session=session) from error
    return evaluation
