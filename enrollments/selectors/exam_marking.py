"""The marking queue: case answers of submitted attempts waiting for a trainer."""

from django.db.models import QuerySet

from academy.models import User
from academy.roles import is_administrator, is_trainer
from enrollments.models import AttemptQuestion, ExamAttempt


def case_answers_to_mark(*, user: User) -> QuerySet[AttemptQuestion]:
    """Unmarked case answers of attempts awaiting marking, in the courses the user
    teaches (every course for an administrator), oldest submission first."""
    queryset = (
        AttemptQuestion.objects.filter(
            attempt__status=ExamAttempt.Status.AWAITING_MARKING,
            version__content__type="case",
            score__isnull=True,
        )
        .select_related("attempt__exam__course", "attempt__user", "version")
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )
    if is_administrator(user):
        return queryset
    if is_trainer(user):
        return queryset.filter(attempt__exam__course__trainers=user)
    return queryset.none()


def case_answer_for_marker(*, user: User, attempt_question_id: int) -> AttemptQuestion | None:
    """A case answer of an attempt waiting for marking in the user's courses (marked or
    not, so a mark can be corrected until the attempt is final), or None."""
    queryset = AttemptQuestion.objects.filter(
        pk=attempt_question_id,
        attempt__status=ExamAttempt.Status.AWAITING_MARKING,
        version__content__type="case",
    ).select_related("attempt__exam__course", "attempt__user", "version")
    if not is_administrator(user):
        if not is_trainer(user):
            return None
        queryset = queryset.filter(attempt__exam__course__trainers=user)
    return queryset.first()
