"""Reads for course and session evaluations: which questionnaire is asked, what a trainee
still has to evaluate, and the figures of the results pages and the export.

Satisfaction is the share of rating answers of 4 or 5 among all rating answers. The
trainer an answer speaks of is the session's trainer for a session evaluation, and each of
the course's trainers for an evaluation of the whole course.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from academy.roles import is_administrator, is_trainer
from courses.models import ClassSession
from enrollments.models import (
    Attendance,
    Enrollment,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionnaire,
)

SATISFIED_FROM = 4
PENDING_SHOWN = 5
RATED_ASPECTS = (
    EvaluationQuestion.Aspect.CONTENT,
    EvaluationQuestion.Aspect.TRAINER,
    EvaluationQuestion.Aspect.ORGANISATION,
    EvaluationQuestion.Aspect.USEFULNESS,
    EvaluationQuestion.Aspect.OTHER,
)
ONE_DECIMAL = Decimal("0.1")


def evaluation_questionnaire_for(*, course_id: int) -> EvaluationQuestionnaire | None:
    """The course's own questionnaire (the newest, if it has several), else the default."""
    questionnaire = (
        EvaluationQuestionnaire.objects.filter(Q(course_id=course_id) | Q(is_default=True))
        .order_by("is_default", "-created_at", "-pk")
        .prefetch_related("questions")
        .first()
    )
    return questionnaire


@dataclass(frozen=True)
class PendingEvaluation:
    """An evaluation the trainee may still give: of a session, or of the whole course."""

    enrollment: Enrollment
    session: ClassSession | None

    @property
    def url(self) -> str:
        if self.session is None:
            return reverse("enrollments:evaluate_course", args=[self.enrollment.pk])
        return reverse("enrollments:evaluate_session", args=[self.enrollment.pk, self.session.pk])

    @property
    def title(self) -> str:
        if self.session is None:
            return self.enrollment.course.title
        return f"{self.enrollment.course.title} · {self.session.title}"

    @property
    def ended_at(self) -> datetime | None:
        return self.session.ends_at if self.session else self.enrollment.completed_at


def _attended(*, now: datetime) -> Q:
    return Q(status__in=Attendance.ATTENDED_STATUSES, session__ends_at__lte=now)


def _pending_attendances(*, now: datetime) -> QuerySet[Attendance]:
    """Attended marks of ended sessions that have no evaluation yet, newest first."""
    return (
        Attendance.objects.filter(_attended(now=now))
        .exclude(
            Exists(
                Evaluation.objects.filter(
                    enrollment=OuterRef("enrollment"), session=OuterRef("session")
                )
            )
        )
        .select_related("enrollment__course", "session")
        .order_by("-session__ends_at", "-pk")
    )


def _course_unevaluated() -> Exists:
    return Exists(Evaluation.objects.filter(enrollment=OuterRef("pk"), session__isnull=True))


def _newest(pending: list[PendingEvaluation], *, now: datetime, limit: int):
    pending.sort(key=lambda item: item.ended_at or now, reverse=True)
    return pending[:limit]


def evaluation_pending_for(
    *,
    user: User | AnonymousUser,
    now: datetime | None = None,
    limit: int = PENDING_SHOWN,
    enrollments: list[Enrollment] | None = None,
) -> list[PendingEvaluation]:
    """The newest sessions the trainee attended and course completions they have not
    evaluated yet; two queries, none for a visitor who is not logged in.

    ``enrollments``, when the caller has them, are all the trainee's enrolments with
    their courses: then the courses are not read again.
    """
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    if enrollments is not None:
        return _pending_from_enrollments(enrollments=enrollments, now=now, limit=limit)
    attendances = _pending_attendances(now=now).filter(enrollment__user=user)[:limit]
    completions = (
        Enrollment.objects.filter(
            user=user, status=Enrollment.Status.COMPLETED, completed_at__isnull=False
        )
        .filter(~_course_unevaluated())
        .select_related("course")
        .order_by("-completed_at")[:limit]
    )
    pending = [
        PendingEvaluation(enrollment=mark.enrollment, session=mark.session) for mark in attendances
    ]
    pending += [
        PendingEvaluation(enrollment=enrollment, session=None) for enrollment in completions
    ]
    return _newest(pending, now=now, limit=limit)


def _pending_from_enrollments(
    *, enrollments: list[Enrollment], now: datetime, limit: int
) -> list[PendingEvaluation]:
    by_id = {enrollment.pk: enrollment for enrollment in enrollments}
    if not by_id:
        return []
    attendances = (
        Attendance.objects.filter(_attended(now=now), enrollment_id__in=list(by_id))
        .exclude(
            Exists(
                Evaluation.objects.filter(
                    enrollment=OuterRef("enrollment"), session=OuterRef("session")
                )
            )
        )
        .select_related("session")
        .order_by("-session__ends_at", "-pk")[:limit]
    )
    pending = [
        PendingEvaluation(enrollment=by_id[mark.enrollment_id], session=mark.session)
        for mark in attendances
    ]
    completed = [
        enrollment
        for enrollment in enrollments
        if enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at
    ]
    if completed:
        evaluated = set(
            Evaluation.objects.filter(
                enrollment_id__in=[enrollment.pk for enrollment in completed],
                session__isnull=True,
            ).values_list("enrollment_id", flat=True)
        )
        completed.sort(key=lambda enrollment: enrollment.completed_at or now, reverse=True)
        pending += [
            PendingEvaluation(enrollment=enrollment, session=None)
            for enrollment in completed
            if enrollment.pk not in evaluated
        ][:limit]
    return _newest(pending, now=now, limit=limit)


def evaluation_pending_for_enrollment(
    *, enrollment: Enrollment, now: datetime | None = None, limit: int = PENDING_SHOWN
) -> list[PendingEvaluation]:
    """What the trainee may still evaluate in one course: one query, two once completed."""
    now = now or timezone.now()
    marks = _pending_attendances(now=now).filter(enrollment=enrollment)[:limit]
    pending = [PendingEvaluation(enrollment=enrollment, session=mark.session) for mark in marks]
    if (
        enrollment.status == Enrollment.Status.COMPLETED
        and not Evaluation.objects.filter(enrollment=enrollment, session__isnull=True).exists()
    ):
        pending.append(PendingEvaluation(enrollment=enrollment, session=None))
    return _newest(pending, now=now, limit=limit)


def evaluation_refusal(
    *, enrollment: Enrollment, session: ClassSession | None, now: datetime | None = None
) -> RuleViolation | None:
    """Why the trainee may not evaluate this session (or the whole course) now, or None."""
    now = now or timezone.now()
    if session is not None:
        if session.course_id != enrollment.course_id:
            return RuleViolation(
                _("This session does not belong to your course."), code="other_course"
            )
        if session.ends_at > now:
            return RuleViolation(
                _("You can evaluate a session once it has ended."), code="session_not_ended"
            )
        attended = Attendance.objects.filter(
            session=session, enrollment=enrollment, status__in=Attendance.ATTENDED_STATUSES
        ).exists()
        if not attended:
            return RuleViolation(
                _("Only trainees who attended a session can evaluate it."), code="not_attended"
            )
    elif enrollment.status != Enrollment.Status.COMPLETED:
        return RuleViolation(
            _("You can evaluate the course once you have completed it."), code="not_completed"
        )
    if Evaluation.objects.filter(enrollment=enrollment, session=session).exists():
        return evaluation_already_given(session=session)
    return None


def evaluation_already_given(*, session: ClassSession | None) -> RuleViolation:
    if session is None:
        return RuleViolation(_("You have already evaluated this course."), code="already_evaluated")
    return RuleViolation(_("You have already evaluated this session."), code="already_evaluated")


# Results -------------------------------------------------------------------------------


def evaluation_visible_courses_filter(*, user: User, path: str) -> Q | None:
    """Which rows a staff user may read, as a filter on the course at ``path``; None for
    someone who may read none (trainees and visitors)."""
    if is_administrator(user):
        return Q()
    if is_trainer(user):
        return Q(**{f"{path}__trainers": user})
    return None


@dataclass
class EvaluationFigures:
    """Responses, the occasions they answer (attendances and completions), the average
    rating per aspect and the satisfaction share, for one course, session or trainer."""

    asked: int = 0
    responses: int = 0
    ratings: int = 0
    satisfied: int = 0
    aspect_sums: dict[str, Decimal] = field(default_factory=dict)
    aspect_counts: dict[str, int] = field(default_factory=dict)

    def add_aspect(self, aspect: str, *, average, count: int, satisfied: int) -> None:
        total = Decimal(str(average)) * count
        self.aspect_sums[aspect] = self.aspect_sums.get(aspect, Decimal("0")) + total
        self.aspect_counts[aspect] = self.aspect_counts.get(aspect, 0) + count
        self.ratings += count
        self.satisfied += satisfied

    @property
    def response_rate(self) -> Decimal | None:
        """Percent of the occasions that got an evaluation, to one decimal."""
        if not self.asked:
            return None
        return _percent(self.responses, self.asked)

    @property
    def satisfaction(self) -> Decimal | None:
        """Percent of rating answers of 4 or 5, to one decimal."""
        if not self.ratings:
            return None
        return _percent(self.satisfied, self.ratings)

    def average(self, aspect: str) -> Decimal | None:
        count = self.aspect_counts.get(aspect)
        if not count:
            return None
        return (self.aspect_sums[aspect] / count).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def averages(self) -> list[Decimal | None]:
        """The average of each aspect in ``RATED_ASPECTS`` order."""
        return [self.average(aspect) for aspect in RATED_ASPECTS]


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@dataclass(frozen=True)
class EvaluationDimension:
    """How to find the course, session or trainer of each record, from each model.

    ``course_evaluation`` and ``completion`` are None where evaluations of a whole course
    do not count (a session has none).
    """

    session_evaluation: str
    course_evaluation: str | None
    attendance: str
    completion: str | None


BY_COURSE = EvaluationDimension(
    "enrollment__course", "enrollment__course", "enrollment__course", "course"
)
BY_SESSION = EvaluationDimension("session", None, "session", None)
BY_TRAINER = EvaluationDimension(
    "session__trainer", "enrollment__course__trainers", "session__trainer", "course__trainers"
)


@dataclass(frozen=True)
class EvaluationScope:
    """The records a results page reads: visible to the user, in the period, for one course
    if given. Build it with ``evaluation_scope``."""

    evaluations: QuerySet[Evaluation]
    attendances: QuerySet[Attendance]
    completions: QuerySet[Enrollment]


def evaluation_scope(
    *,
    user: User,
    date_from: date | None = None,
    date_to: date | None = None,
    course_id: int | None = None,
    now: datetime | None = None,
) -> EvaluationScope | None:
    """What ``user`` may read of the evaluations in the period (both days included): the
    evaluations submitted, the sessions ended and the courses completed in it. None for
    someone who may read no evaluations."""
    now = now or timezone.now()
    evaluation_filter = evaluation_visible_courses_filter(user=user, path="enrollment__course")
    if evaluation_filter is None:
        return None
    completion_filter = evaluation_visible_courses_filter(user=user, path="course")
    assert completion_filter is not None
    evaluations = Evaluation.objects.filter(evaluation_filter)
    attendances = Attendance.objects.filter(evaluation_filter, _attended(now=now))
    completions = Enrollment.objects.filter(
        completion_filter, status=Enrollment.Status.COMPLETED, completed_at__isnull=False
    )
    if date_from is not None:
        start = _day_start(date_from)
        evaluations = evaluations.filter(submitted_at__gte=start)
        attendances = attendances.filter(session__ends_at__gte=start)
        completions = completions.filter(completed_at__gte=start)
    if date_to is not None:
        end = _day_start(date_to + timedelta(days=1))
        evaluations = evaluations.filter(submitted_at__lt=end)
        attendances = attendances.filter(session__ends_at__lt=end)
        completions = completions.filter(completed_at__lt=end)
    if course_id is not None:
        evaluations = evaluations.filter(enrollment__course_id=course_id)
        attendances = attendances.filter(enrollment__course_id=course_id)
        completions = completions.filter(course_id=course_id)
    return EvaluationScope(
        evaluations=evaluations.distinct(),
        attendances=attendances.distinct(),
        completions=completions.distinct(),
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _count_by(queryset: QuerySet, path: str) -> dict:
    rows = queryset.order_by().values_list(path).annotate(total=Count("pk", distinct=True))
    return {key: total for key, total in rows if key is not None}


def evaluation_figures(
    *, scope: EvaluationScope, dimension: EvaluationDimension
) -> dict[int, EvaluationFigures]:
    """The figures of each course, session or trainer (by id) in the scope.

    A fixed number of grouped queries, whatever the number of rows.
    """
    figures: dict[int, EvaluationFigures] = defaultdict(EvaluationFigures)
    sides = [(scope.evaluations.filter(session__isnull=False), dimension.session_evaluation)]
    if dimension.course_evaluation is not None:
        sides.append((scope.evaluations.filter(session__isnull=True), dimension.course_evaluation))
    for evaluations, path in sides:
        for key, total in _count_by(evaluations, path).items():
            figures[key].responses += total
        answers = (
            EvaluationAnswer.objects.filter(
                evaluation__in=evaluations.values("pk"), rating__isnull=False
            )
            .order_by()
            .values_list(f"evaluation__{path}", "question__aspect")
            .annotate(
                average=Avg("rating"),
                count=Count("pk"),
                satisfied=Count("pk", filter=Q(rating__gte=SATISFIED_FROM)),
            )
        )
        for key, aspect, average, count, satisfied in answers:
            if key is not None:
                figures[key].add_aspect(aspect, average=average, count=count, satisfied=satisfied)
    for key, total in _count_by(scope.attendances, dimension.attendance).items():
        figures[key].asked += total
    if dimension.completion is not None:
        for key, total in _count_by(scope.completions, dimension.completion).items():
            figures[key].asked += total
    return dict(figures)


def evaluation_totals(*, scope: EvaluationScope) -> EvaluationFigures:
    """The figures of the whole scope, each evaluation and occasion counted once."""
    totals = EvaluationFigures(
        asked=scope.attendances.count() + scope.completions.count(),
        responses=scope.evaluations.count(),
    )
    answers = (
        EvaluationAnswer.objects.filter(
            evaluation__in=scope.evaluations.values("pk"), rating__isnull=False
        )
        .order_by()
        .values_list("question__aspect")
        .annotate(
            average=Avg("rating"),
            count=Count("pk"),
            satisfied=Count("pk", filter=Q(rating__gte=SATISFIED_FROM)),
        )
    )
    for aspect, average, count, satisfied in answers:
        totals.add_aspect(aspect, average=average, count=count, satisfied=satisfied)
    return totals


def evaluation_comments(*, scope: EvaluationScope, limit: int = 200) -> QuerySet[EvaluationAnswer]:
    """The newest free-text answers in the scope, with their course and session."""
    return (
        EvaluationAnswer.objects.filter(evaluation__in=scope.evaluations.values("pk"))
        .exclude(text="")
        .select_related("evaluation__session", "evaluation__enrollment__course", "question")
        .order_by("-evaluation__submitted_at", "-pk")[:limit]
    )


def evaluation_export_rows(*, scope: EvaluationScope) -> QuerySet:
    """One value tuple per answer: submitted, course, session, trainer, question, aspect,
    rating, text. Trainees are not named: evaluations are read without their names."""
    return (
        EvaluationAnswer.objects.filter(evaluation__in=scope.evaluations.values("pk"))
        .order_by("evaluation__submitted_at", "evaluation_id", "question__sort_order", "pk")
        .values_list(
            "evaluation__submitted_at",
            "evaluation__enrollment__course__title",
            "evaluation__session__title",
            "evaluation__session__starts_at",
            "evaluation__session__trainer__full_name",
            "question__text",
            "question__aspect",
            "rating",
            "text",
        )
    )
