"""Item statistics of an exam, over its marked attempts, each figure one SQL aggregate.

- the score distribution in ten bands of the total points, and the pass rate;
- per question, its facility: the mean share of its points scored (for a single-choice
  or true-or-false question, the share who got it right);
- per question, its discrimination: facility in the upper 27% of attempts by total
  score minus facility in the lower 27%. A question that discriminates below 0.2 is
  flagged: strong candidates do little better on it than weak ones.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Floor, Least, NullIf

from academy.models import User
from academy.roles import is_administrator, is_trainer
from courses.models import Exam
from enrollments.models import AttemptQuestion, ExamAttempt

GROUP_SHARE = 0.27
DISCRIMINATION_FLOOR = 0.2
BANDS = 10


@dataclass(frozen=True)
class ExamSummary:
    attempts: int
    mean_score: Decimal | None
    pass_rate: float | None
    group_size: int


@dataclass(frozen=True)
class ScoreBand:
    low_share: float
    high_share: float
    count: int


@dataclass(frozen=True)
class QuestionStatistics:
    question_id: int
    stem: str
    question_type: str
    answers: int
    facility: float | None
    discrimination: float | None

    @property
    def discriminates_badly(self) -> bool:
        return self.discrimination is not None and self.discrimination < DISCRIMINATION_FLOOR


def exams_with_statistics(*, user: User) -> QuerySet[Exam]:
    """The exams whose statistics the user may read: every exam for an administrator,
    the exams of the courses they teach for a trainer."""
    queryset = Exam.objects.select_related("course", "bank").order_by("course__title", "title")
    if is_administrator(user):
        return queryset
    if is_trainer(user):
        return queryset.filter(course__trainers=user)
    return queryset.none()


def _marked(exam: Exam) -> QuerySet[ExamAttempt]:
    return ExamAttempt.objects.filter(exam=exam, status=ExamAttempt.Status.MARKED)


def exam_summary(*, exam: Exam) -> ExamSummary:
    figures = _marked(exam).aggregate(
        attempts=Count("pk"),
        mean_score=Avg("score"),
        passed=Count("pk", filter=Q(passed=True)),
    )
    attempts = figures["attempts"]
    return ExamSummary(
        attempts=attempts,
        mean_score=figures["mean_score"],
        pass_rate=figures["passed"] / attempts if attempts else None,
        group_size=math.ceil(attempts * GROUP_SHARE) if attempts else 0,
    )


def exam_score_distribution(*, exam: Exam) -> list[ScoreBand]:
    """How many marked attempts scored in each tenth of the total points (the last band
    holds full marks too)."""
    share = Cast("score", FloatField()) / NullIf(Cast("total_points", FloatField()), 0.0)
    counts = dict(
        _marked(exam)
        .annotate(band=Least(Cast(Floor(share * Value(float(BANDS))), IntegerField()), BANDS - 1))
        .values("band")
        .annotate(count=Count("pk"))
        .values_list("band", "count")
    )
    return [
        ScoreBand(low_share=band / BANDS, high_share=(band + 1) / BANDS, count=counts.get(band, 0))
        for band in range(BANDS)
    ]


def exam_question_statistics(
    *, exam: Exam, summary: ExamSummary | None = None
) -> list[QuestionStatistics]:
    """Facility and discrimination of every question answered in a marked attempt, the
    worst discriminating first."""
    summary = summary or exam_summary(exam=exam)
    size = summary.group_size
    ranked = _marked(exam).values("pk")
    upper = ranked.order_by("-score", "pk")[:size]
    lower = ranked.order_by("score", "pk")[:size]
    share = Cast("score", FloatField()) / NullIf(Cast("points", FloatField()), 0.0)
    rows = (
        AttemptQuestion.objects.filter(
            attempt__exam=exam,
            attempt__status=ExamAttempt.Status.MARKED,
            score__isnull=False,
        )
        .values("question_id", "question__stem", "question__question_type")
        .annotate(
            answers=Count("pk"),
            facility=Avg(share),
            upper=Avg(share, filter=Q(attempt_id__in=upper)),
            lower=Avg(share, filter=Q(attempt_id__in=lower)),
        )
        .annotate(discrimination=F("upper") - F("lower"))
        .order_by(F("discrimination").asc(nulls_last=True), "question_id")
    )
    return [
        QuestionStatistics(
            question_id=row["question_id"],
            stem=row["question__stem"],
            question_type=row["question__question_type"],
            answers=row["answers"],
            facility=row["facility"],
            discrimination=row["discrimination"] if size else None,
        )
        for row in rows
    ]
