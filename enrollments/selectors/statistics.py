"""The year in figures (training statistics): courses run, class-hours delivered, person-times.

Every figure is an SQL aggregate (conditional aggregation, grouped by course, month,
trainer or a trainee's profile); the report issues the same number of queries whatever
the size of the data. The definitions are in the README ("The year in figures"); where
academies differ, ``StatisticsRule`` decides.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Left, Length, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.models import Page

from academy.models import Organization, QualificationLevel, User
from academy.roles import is_administrator, is_trainer
from courses.models import ClassSession, CoursePage, CurriculumPage, DeliveryMode, LessonPage, Track
from enrollments.models import (
    Attendance,
    Certificate,
    Enrollment,
    EvaluationAnswer,
    EvaluationQuestion,
    HourEntry,
    SessionFigures,
    StatisticsRollup,
    StatisticsRule,
    TraineeMonthFigures,
)

ZERO = Decimal("0")
SATISFIED_FROM = 4
TOP_ORGANISATIONS = 10
ATTENDED = list(Attendance.ATTENDED_STATUSES)
# The columns of the tables by a trainee's organisation or qualification.
TRAINEE_FIGURES = ("trainees", "person_times", "completions", "hours_earned")


@dataclass(frozen=True)
class StatisticsPeriod:
    """From ``first_day`` to ``last_day``, both included, in the academy's time zone."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))

    @property
    def whole_months(self) -> bool:
        return self.first_day.day == 1 and self.last_day == _month_end(self.last_day)

    def previous(self) -> StatisticsPeriod:
        """The period of the same length just before: the previous year, quarter or month
        for a whole one, else the same number of days."""
        first, last = self.first_day, self.last_day
        whole_months = first.day == 1 and last == _month_end(last)
        if whole_months:
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            start = _add_months(first, -months)
            return StatisticsPeriod(start, first - timedelta(days=1))
        return StatisticsPeriod(first - timedelta(days=self.days), first - timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months = []
        month = self.first_day.replace(day=1)
        while month <= self.last_day:
            months.append(month)
            month = _add_months(month, 1)
        return months


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def statistics_period_year(*, year: int) -> StatisticsPeriod:
    return StatisticsPeriod(date(year, 1, 1), date(year, 12, 31))


def statistics_period_quarter(*, year: int, quarter: int) -> StatisticsPeriod:
    first = date(year, 3 * quarter - 2, 1)
    return StatisticsPeriod(first, _month_end(_add_months(first, 2)))


def statistics_period_month(*, year: int, month: int) -> StatisticsPeriod:
    first = date(year, month, 1)
    return StatisticsPeriod(first, _month_end(first))


@dataclass
class Figures:
    """The figures of one row of a table, or of the whole period."""

    label: str = ""
    key: Any = None
    courses_run: int = 0
    sessions: int = 0
    session_hours: Decimal = ZERO
    lessons: int = 0
    lesson_hours: Decimal = ZERO
    class_hours: Decimal = ZERO
    person_times: int = 0
    trainees: int = 0
    completions: int = 0
    certificates: int = 0
    hours_online: Decimal = ZERO
    hours_classroom: Decimal = ZERO
    hours_other: Decimal = ZERO
    marks: int = 0
    attended: int = 0
    rated: int = 0
    satisfied: int = 0
    rating_sum: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        """A figure by name: a field, a derived figure or one of ``extra``'s labels."""
        return self.extra[key] if key in self.extra else getattr(self, key)

    @property
    def hours_earned(self) -> Decimal:
        return self.hours_online + self.hours_classroom + self.hours_other

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.marks if self.marks else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "text", "count", "hours" or "percent"


@dataclass
class StatisticsTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[Figures]

    def values(self, row: Figures) -> list[Any]:
        return [row.value(column.key) for column in self.columns]


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    kind: str
    value: Any
    previous: Any

    @property
    def change(self) -> Any:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> float | None:
        if self.kind == "percent" or not self.previous or self.value is None:
            return None
        return float((self.value - self.previous) / self.previous)


@dataclass
class StatisticsReport:
    period: StatisticsPeriod
    previous_period: StatisticsPeriod
    rule: StatisticsRule
    current: Figures
    previous: Figures
    headlines: list[Headline]
    tables: list[StatisticsTable]
    # When the kept monthly figures it read were rebuilt; None when it read the records.
    as_of: datetime | None = None

    def table(self, key: str) -> StatisticsTable:
        return next(table for table in self.tables if table.key == key)


# What is counted, and how it is scoped --------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """The courses a reader may see: all (``courses`` None) or a trainer's own."""

    courses: QuerySet | None
    rule: StatisticsRule
    now: datetime
    # Every trainee's figures by month, when they are fresh and can answer (see _monthly).
    monthly: QuerySet[TraineeMonthFigures] | None = None
    monthly_as_of: datetime | None = None
    # Attendance marks per session held in the report's two periods (see _session_marks).
    session_marks: tuple[dict, ...] = ()

    def limit(self, queryset: QuerySet, course_field: str) -> QuerySet:
        if self.courses is None:
            return queryset
        return queryset.filter(**{f"{course_field}__in": self.courses})

    @property
    def completion_modes(self) -> list[str]:
        """Delivery modes whose completion counts a person-time."""
        modes: list[str] = [DeliveryMode.ONLINE]
        if self.rule.counts_blended_completion:
            modes.append(DeliveryMode.BLENDED)
        return modes


def statistics_visible(*, user: User) -> bool:
    return is_administrator(user) or is_trainer(user)


def _scope(*, user: User, rule: StatisticsRule) -> _Scope:
    if is_administrator(user):
        courses = None
    elif is_trainer(user):
        courses = CoursePage.objects.filter(trainers=user).values("pk")
    else:
        courses = CoursePage.objects.none().values("pk")
    return _Scope(courses=courses, rule=rule, now=timezone.now())


def _with_monthly(scope: _Scope, period: StatisticsPeriod, before: StatisticsPeriod) -> _Scope:
    """The scope with the monthly figures kept per trainee, if they may answer for this
    report: all courses, periods of whole months, and rebuilt no longer than
    ``STATISTICS_ROLLUP_MAX_AGE_SECONDS`` ago."""
    if scope.courses is not None or not (period.whole_months and before.whole_months):
        return scope
    refreshed_at = StatisticsRollup.objects.values_list("refreshed_at", flat=True).first()
    max_age = timedelta(seconds=settings.STATISTICS_ROLLUP_MAX_AGE_SECONDS)
    if refreshed_at is None or refreshed_at < scope.now - max_age:
        return scope
    return replace(scope, monthly=TraineeMonthFigures.objects.all(), monthly_as_of=refreshed_at)


def _monthly_person_time(scope: _Scope) -> Q:
    counted = Q(attended__gt=0) | Q(completions_online__gt=0)
    if scope.rule.counts_blended_completion:
        counted |= Q(completions_blended__gt=0)
    return counted


def _monthly_figures(scope: _Scope, within: Q | None = None) -> dict:
    """Sums of the monthly rows, named like the figures counted from the records."""

    def total(name: str):
        return Coalesce(Sum(name, filter=within), ZERO if name.startswith("hours") else 0)

    person_times = total("completions_online")
    if scope.rule.counts_blended_completion:
        person_times = person_times + total("completions_blended")
    return {
        "marks": total("marks"),
        "attended": total("attended"),
        "completions": total("completions"),
        "completion_person_times": person_times,
        "hours_online": total("hours_online"),
        "hours_classroom": total("hours_classroom"),
        "hours_other": total("hours_other"),
    }


# What the totals and the table by month read from the monthly figures; the tables by
# course and trainer count completions from the records.
MONTHLY_FIGURES = (
    "completions",
    "completion_person_times",
    "hours_online",
    "hours_classroom",
    "hours_other",
)


def _monthly_within(monthly: QuerySet, period: StatisticsPeriod) -> QuerySet:
    return monthly.filter(month__gte=period.first_day, month__lte=period.last_day)


def _session_marks(scope: _Scope, first: StatisticsPeriod, last: StatisticsPeriod) -> tuple:
    """The marks of every session held from ``first`` to ``last``, a row per session: one
    query whose rows number the sessions, from which the tables by course, month and
    trainer and the totals of both periods are summed."""
    grouped: list[dict[str, Any]]
    if scope.monthly is None:
        grouped = [
            dict(row)
            for row in _attendances(scope, first.start, last.end)
            .order_by()
            .values("session_id", "session__course_id", "session__trainer_id", "session__starts_at")
            .annotate(**_attendance_figures())
        ]
    else:
        held = _sessions(scope, first.start, last.end).values("pk")
        grouped = [
            dict(row)
            for row in SessionFigures.objects.filter(session__in=held).values(
                "session_id",
                "session__course_id",
                "session__trainer_id",
                "session__starts_at",
                "marks",
                "attended",
            )
        ]
    return tuple(
        {
            "course_id": row["session__course_id"],
            "trainer_id": row["session__trainer_id"],
            "starts_at": row["session__starts_at"],
            "month": timezone.localtime(row["session__starts_at"]).date().replace(day=1),
            "marks": row["marks"],
            "attended": row["attended"],
        }
        for row in grouped
    )


def _marks_by(scope: _Scope, period: StatisticsPeriod, key: str) -> list[dict]:
    """The marks of the sessions held in ``period``, summed by ``key`` (None: in all)."""
    totals: dict[Any, dict] = {}
    for row in scope.session_marks:
        if not period.start <= row["starts_at"] < period.end:
            continue
        value = row[key] if key else None
        if key and value is None:
            continue
        total = totals.setdefault(value, {key or "all": value, "marks": 0, "attended": 0})
        total["marks"] += row["marks"]
        total["attended"] += row["attended"]
    return list(totals.values())


def _parent_path(path_field: Any) -> Left:
    """The tree path of a page's parent: its own path less one step."""
    return Left(path_field, Length(path_field) - Page.steplen)


def _sessions(scope: _Scope, start: datetime, end: datetime) -> QuerySet[ClassSession]:
    """Sessions held: started within the period, and not after now."""
    queryset = ClassSession.objects.filter(starts_at__gte=start, starts_at__lt=min(end, scope.now))
    return scope.limit(queryset, "course_id")


def _lessons(scope: _Scope, start: datetime, end: datetime) -> QuerySet:
    """Online lessons first published within the period, each counted once."""
    queryset = (
        LessonPage.objects.live()
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .annotate(course_path=_parent_path("path"))
    )
    if scope.courses is not None:
        queryset = queryset.filter(
            course_path__in=CoursePage.objects.filter(pk__in=scope.courses).values("path")
        )
    return queryset


def _attendances(scope: _Scope, start: datetime, end: datetime) -> QuerySet[Attendance]:
    queryset = Attendance.objects.filter(
        session__starts_at__gte=start, session__starts_at__lt=min(end, scope.now)
    )
    return scope.limit(queryset, "session__course_id")


def _completions(scope: _Scope, start: datetime, end: datetime) -> QuerySet[Enrollment]:
    queryset = Enrollment.objects.filter(
        status=Enrollment.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
    )
    return scope.limit(queryset, "course_id")


def _hour_entries(scope: _Scope, first_day: date, last_day: date) -> QuerySet[HourEntry]:
    queryset = HourEntry.objects.filter(date__gte=first_day, date__lte=last_day)
    return scope.limit(queryset, "course_id")


def _ratings(scope: _Scope, start: datetime, end: datetime) -> QuerySet[EvaluationAnswer]:
    queryset = EvaluationAnswer.objects.filter(
        rating__isnull=False,
        question__kind=EvaluationQuestion.Kind.RATING,
        evaluation__submitted_at__gte=start,
        evaluation__submitted_at__lt=end,
    )
    return scope.limit(queryset, "evaluation__enrollment__course_id")


# Aggregates: each returns keyword arguments for aggregate() / annotate() -------------------


def _session_figures(within: Q | None = None) -> dict:
    return {
        "sessions": Count("pk", filter=within),
        "session_hours": Coalesce(Sum("class_hours", filter=within), ZERO),
    }


def _lesson_figures(within: Q | None = None) -> dict:
    return {
        "lessons": Count("pk", filter=within),
        "lesson_hours": Coalesce(Sum("class_hours", filter=within), ZERO),
    }


def _attendance_figures(within: Q | None = None) -> dict:
    attended = Q(status__in=ATTENDED) & (within or Q())
    return {"marks": Count("pk", filter=within), "attended": Count("pk", filter=attended)}


def _completion_figures(scope: _Scope, within: Q | None = None, course: str = "course") -> dict:
    counted = Q(**{f"{course}__delivery_mode__in": scope.completion_modes}) & (within or Q())
    return {
        "completions": Count("pk", filter=within),
        "completion_person_times": Count("pk", filter=counted),
    }


def _hour_figures(within: Q | None = None) -> dict:
    def source(*sources):
        condition = Q(source__in=sources) & (within or Q())
        return Coalesce(Sum("hours", filter=condition), ZERO)

    return {
        "hours_online": source(*HourEntry.ONLINE_SOURCES),
        "hours_classroom": source(HourEntry.Source.CLASSROOM_SESSION),
        "hours_other": source(HourEntry.Source.EXTERNAL_TRAINING, HourEntry.Source.ADJUSTMENT),
    }


def _rating_figures(within: Q | None = None) -> dict:
    return {
        "rated": Count("pk", filter=within),
        "satisfied": Count("pk", filter=Q(rating__gte=SATISFIED_FROM) & (within or Q())),
        "rating_sum": Coalesce(Sum("rating", filter=within), 0),
    }


def _apply(figures: Figures, values: dict, rule: StatisticsRule) -> Figures:
    """Set the counted values on ``figures`` and derive class-hours and person-times."""
    for name, value in values.items():
        if name == "completion_person_times":
            figures.extra[name] = value
        elif hasattr(figures, name) and name not in ("key", "label"):
            setattr(figures, name, value)
    sessions_part = Decimal(figures.sessions) if rule.counts_sessions else figures.session_hours
    lessons_part = Decimal(figures.lessons) if rule.counts_sessions else figures.lesson_hours
    figures.class_hours = sessions_part + (lessons_part if rule.count_online_lessons else ZERO)
    figures.person_times = figures.attended + figures.extra.get("completion_person_times", 0)
    return figures


def _prefixed(prefix: str, aggregates: dict) -> dict:
    return {f"{prefix}__{name}": value for name, value in aggregates.items()}


def _split(values: dict) -> tuple[dict, dict]:
    current: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    for name, value in values.items():
        which, _sep, key = name.partition("__")
        (current if which == "cur" else previous)[key] = value
    return current, previous


def _headline_values(scope: _Scope, period: StatisticsPeriod, before: StatisticsPeriod) -> dict:
    """Every total of both periods, one query per kind of record."""
    start, middle, end = before.start, period.start, period.end
    values: dict = {}

    def both(queryset: QuerySet, field_name: str, figures) -> None:
        current = Q(**{f"{field_name}__gte": middle})
        previous = Q(**{f"{field_name}__lt": middle})
        values.update(
            queryset.aggregate(
                **_prefixed("cur", figures(current)), **_prefixed("prev", figures(previous))
            )
        )

    both(_sessions(scope, start, end), "starts_at", _session_figures)
    both(_lessons(scope, start, end), "first_published_at", _lesson_figures)
    for prefix, within in (("cur", period), ("prev", before)):
        for total in _marks_by(scope, within, "") or [{"marks": 0, "attended": 0}]:
            values[f"{prefix}__marks"] = total["marks"]
            values[f"{prefix}__attended"] = total["attended"]
    if scope.monthly is None:
        both(
            _completions(scope, start, end),
            "completed_at",
            lambda within: _completion_figures(scope, within),
        )
    both(_ratings(scope, start, end), "evaluation__submitted_at", _rating_figures)
    both(
        scope.limit(
            Certificate.objects.filter(issued_at__gte=start, issued_at__lt=end),
            "enrollment__course_id",
        ),
        "issued_at",
        lambda within: {"certificates": Count("pk", filter=within)},
    )
    if scope.monthly is None:
        hours = _hour_entries(scope, before.first_day, period.last_day)
        values.update(
            hours.aggregate(
                **_prefixed("cur", _hour_figures(Q(date__gte=period.first_day))),
                **_prefixed("prev", _hour_figures(Q(date__lt=period.first_day))),
            )
        )
    else:
        monthly = scope.monthly.filter(month__gte=before.first_day, month__lte=period.last_day)
        both_periods: dict[str, Any] = {}
        for prefix, months in (
            ("cur", Q(month__gte=period.first_day)),
            ("prev", Q(month__lt=period.first_day)),
        ):
            figures = _monthly_figures(scope, months)
            both_periods.update(
                _prefixed(prefix, {name: figures[name] for name in MONTHLY_FIGURES})
            )
        values.update(monthly.aggregate(**both_periods))
    runs = {}
    for prefix, within in (("cur", period), ("prev", before)):
        runs[f"{prefix}__courses_run"] = Count("pk", filter=_course_run(scope, within))
    values.update(scope.limit(CoursePage.objects.all(), "pk").aggregate(**runs))
    # The period's own trainees are the sum of the profile cells' (see _profile_cells).
    if scope.monthly is None:
        values["prev__trainees"] = _trainees_reached(scope, before).count()
    else:
        values["prev__trainees"] = _monthly_within(scope.monthly, before).aggregate(
            trainees=Count("user_id", distinct=True, filter=_monthly_person_time(scope))
        )["trainees"]
    return values


def _course_run(scope: _Scope, period: StatisticsPeriod) -> Q:
    """A course run: at least one session held or one completion in the period."""
    held = _sessions(scope, period.start, period.end).values("course_id")
    completed = _completions(scope, period.start, period.end).values("course_id")
    return Q(pk__in=held) | Q(pk__in=completed)


def _trainees_reached(scope: _Scope, period: StatisticsPeriod) -> QuerySet:
    """The ids of the trainees with at least one person-time in the period.

    A UNION, which PostgreSQL de-duplicates with one hash: an ``IN`` of each side inside
    an ``OR`` is looked up row by row once the ids outgrow the work memory.
    """
    attended = _attendances(scope, period.start, period.end).filter(status__in=ATTENDED)
    completed = _completions(scope, period.start, period.end).filter(
        course__delivery_mode__in=scope.completion_modes
    )
    return (
        attended.order_by()
        .values_list("enrollment__user_id", flat=True)
        .union(completed.order_by().values_list("user_id", flat=True))
    )


# Tables -----------------------------------------------------------------------------------


def _merge(rows: dict[Any, Figures], grouped: Iterable[Any], key: str) -> None:
    """Put grouped aggregate values into the row of their key, made on first sight."""
    for values in grouped:
        row_key = values.pop(key)
        row = rows.setdefault(row_key, Figures(key=row_key))
        for name, value in values.items():
            if name != "completion_person_times":
                setattr(row, name, value)
            elif value:
                row.extra[name] = value


def _finish(rows: Iterable[Figures], rule: StatisticsRule) -> list[Figures]:
    return [_apply(row, {}, rule) for row in rows]


def _course_rows(scope: _Scope, period: StatisticsPeriod) -> list[Figures]:
    start, end = period.start, period.end
    rows: dict[Any, Figures] = {}
    _merge(
        rows,
        _sessions(scope, start, end).values("course_id").annotate(**_session_figures()),
        "course_id",
    )
    _merge(rows, _marks_by(scope, period, "course_id"), "course_id")
    _merge(
        rows,
        _completions(scope, start, end).values("course_id").annotate(**_completion_figures(scope)),
        "course_id",
    )
    _merge(
        rows,
        _ratings(scope, start, end)
        .values("evaluation__enrollment__course_id")
        .annotate(**_rating_figures()),
        "evaluation__enrollment__course_id",
    )
    lessons = {
        values.pop("course_path"): values
        for values in _lessons(scope, start, end)
        .order_by()
        .values("course_path")
        .annotate(**_lesson_figures())
    }
    curriculum = CurriculumPage.objects.filter(path=_parent_path(OuterRef("path")))
    courses = (
        CoursePage.objects.filter(Q(pk__in=list(rows)) | Q(path__in=list(lessons)))
        .annotate(track=Subquery(curriculum.values("track")[:1]))
        .values("pk", "title", "path", "track")
        .order_by("path")
    )
    tracks = dict(Track.choices)
    result = []
    for course in courses:
        row = rows.get(course["pk"]) or Figures(key=course["pk"])
        for name, value in lessons.get(course["path"], {}).items():
            setattr(row, name, value)
        row.label = course["title"]
        row.extra["track"] = course["track"]
        row.extra["track_label"] = str(tracks.get(course["track"], course["track"] or ""))
        row.courses_run = 1 if row.sessions or row.completions else 0
        result.append(_apply(row, {}, scope.rule))
    result.sort(key=lambda row: (-row.class_hours, -row.person_times, row.label))
    return result


_SUMMED = (
    "courses_run",
    "sessions",
    "session_hours",
    "lessons",
    "lesson_hours",
    "trainees",
    "completions",
    "hours_online",
    "hours_classroom",
    "hours_other",
    "marks",
    "attended",
    "rated",
    "satisfied",
    "rating_sum",
)


def _add(row: Figures, part: Figures) -> None:
    """Add the counted values of ``part`` (a row aggregated in SQL) to ``row``."""
    for name in _SUMMED:
        setattr(row, name, getattr(row, name) + getattr(part, name))
    row.extra["completion_person_times"] = row.extra.get(
        "completion_person_times", 0
    ) + part.extra.get("completion_person_times", 0)


def _track_rows(course_rows: list[Figures], rule: StatisticsRule) -> list[Figures]:
    """A track's figures are the sums of its courses' rows (already aggregated in SQL)."""
    rows = {value: Figures(key=value, label=str(label)) for value, label in Track.choices}
    for course in course_rows:
        row = rows.get(course.extra["track"])
        if row is not None:
            _add(row, course)
    return _finish(rows.values(), rule)


def _month_rows(scope: _Scope, period: StatisticsPeriod) -> list[Figures]:
    start, end = period.start, period.end
    rows = {month: Figures(key=month, label=f"{month:%Y-%m}") for month in period.months()}
    grouped: list[tuple[QuerySet, str, dict]] = [
        (_sessions(scope, start, end), "starts_at", _session_figures()),
        (_lessons(scope, start, end), "first_published_at", _lesson_figures()),
    ]
    if scope.monthly is None:
        grouped.append(
            (_completions(scope, start, end), "completed_at", _completion_figures(scope))
        )
    for queryset, field_name, figures in grouped:
        _merge(
            rows,
            (
                {**values, "month": timezone.localtime(values["month"]).date()}
                for values in queryset.order_by()
                .annotate(month=TruncMonth(field_name))
                .values("month")
                .annotate(**figures)
            ),
            "month",
        )
    _merge(rows, _marks_by(scope, period, "month"), "month")
    if scope.monthly is None:
        hours = (
            _hour_entries(scope, period.first_day, period.last_day)
            .order_by()
            .annotate(month=TruncMonth("date"))
            .values("month")
            .annotate(**_hour_figures())
        )
    else:
        figures = _monthly_figures(scope)
        hours = (
            _monthly_within(scope.monthly, period)
            .order_by()
            .values("month")
            .annotate(**{name: figures[name] for name in MONTHLY_FIGURES})
        )
    _merge(rows, hours, "month")
    return _finish(sorted(rows.values(), key=lambda row: row.key), scope.rule)


PROFILE_FIELDS = ("organization_id", "organization__kind", "qualification_level")


def _profile_cells(scope: _Scope, period: StatisticsPeriod) -> list[Figures]:
    """Figures by organisation and qualification level together, one query per kind of
    record. A trainee has one profile, so every figure, distinct trainees included, adds
    up across cells: the tables by organisation, its kind and the level are sums of them."""
    start, end = period.start, period.end
    if scope.monthly is not None:
        return _monthly_profile_cells(scope, period)
    sources: list[tuple[QuerySet, str, dict]] = [
        (_attendances(scope, start, end), "enrollment__user__", _attendance_figures()),
        (_completions(scope, start, end), "user__", _completion_figures(scope)),
        (_hour_entries(scope, period.first_day, period.last_day), "user__", _hour_figures()),
        (
            User.objects.filter(pk__in=_trainees_reached(scope, period)),
            "",
            {"trainees": Count("pk")},
        ),
    ]
    cells: dict[Any, Figures] = {}
    for queryset, to_user, figures in sources:
        names = [f"{to_user}trainee_profile__{name}" for name in PROFILE_FIELDS]
        _merge(
            cells,
            (
                {"cell": tuple(values.pop(name) for name in names), **values}
                for values in queryset.order_by().values(*names).annotate(**figures)
            ),
            "cell",
        )
    return list(cells.values())


def _monthly_profile_cells(scope: _Scope, period: StatisticsPeriod) -> list[Figures]:
    """The same cells from the monthly figures kept per trainee, which hold each trainee's
    organisation and level: one query."""
    assert scope.monthly is not None
    names = list(PROFILE_FIELDS)
    cells: dict[Any, Figures] = {}
    grouped = (
        _monthly_within(scope.monthly, period)
        .order_by()
        .values(*names)
        # The count of trainees comes first: its condition reads the rows' own columns,
        # which the sums below then take the names of.
        .annotate(trainees=Count("user_id", distinct=True, filter=_monthly_person_time(scope)))
        .annotate(**_monthly_figures(scope))
    )
    _merge(
        cells,
        ({"cell": tuple(values.pop(name) for name in names), **values} for values in grouped),
        "cell",
    )
    return list(cells.values())


def _profile_rows(
    cells: list[Figures], field_name: str, labels: dict, rule: StatisticsRule
) -> list[Figures]:
    """The cells summed by one of ``PROFILE_FIELDS``."""
    index = PROFILE_FIELDS.index(field_name)
    rows: dict[Any, Figures] = {}
    for cell in cells:
        key = cell.key[index]
        row = rows.setdefault(key, Figures(key=key, label=str(labels.get(key, _("None")))))
        _add(row, cell)
    result = _finish(rows.values(), rule)
    result.sort(key=lambda row: (-row.person_times, -row.hours_earned, row.label))
    return result


def _organisation_rows(cells: list[Figures], rule: StatisticsRule) -> list[Figures]:
    rows = _profile_rows(cells, "organization_id", {}, rule)
    rows = [row for row in rows if row.key is not None][:TOP_ORGANISATIONS]
    organisations = Organization.objects.filter(pk__in=[row.key for row in rows])
    names = {organisation.pk: organisation for organisation in organisations}
    kinds = dict(Organization.Kind.choices)
    for row in rows:
        organisation = names[row.key]
        row.label = organisation.name
        row.extra["kind_label"] = str(kinds.get(organisation.kind, organisation.kind))
    return rows


def _trainer_rows(scope: _Scope, period: StatisticsPeriod) -> list[Figures]:
    start, end = period.start, period.end
    rows: dict[Any, Figures] = {}
    _merge(
        rows,
        _sessions(scope, start, end)
        .filter(trainer__isnull=False)
        .values("trainer_id")
        .annotate(**_session_figures()),
        "trainer_id",
    )
    _merge(rows, _marks_by(scope, period, "trainer_id"), "trainer_id")
    ratings = _ratings(scope, start, end)
    session_ratings = (
        ratings.filter(evaluation__session__trainer__isnull=False)
        .values("evaluation__session__trainer_id")
        .annotate(**_rating_figures())
    )
    course_ratings = (
        ratings.filter(
            evaluation__session__isnull=True,
            evaluation__enrollment__course__trainers__isnull=False,
        )
        .values("evaluation__enrollment__course__trainers")
        .annotate(**_rating_figures())
    )
    grouped_ratings: list[tuple[Iterable[Any], str]] = [
        (session_ratings, "evaluation__session__trainer_id"),
        (course_ratings, "evaluation__enrollment__course__trainers"),
    ]
    for grouped, key in grouped_ratings:
        for values in grouped:
            row = rows.setdefault(values[key], Figures(key=values[key]))
            row.rated += values["rated"]
            row.satisfied += values["satisfied"]
            row.rating_sum += values["rating_sum"]
    names = dict(User.objects.filter(pk__in=list(rows)).values_list("pk", "full_name"))
    for key, row in rows.items():
        row.label = names.get(key, "")
        # Sessions are the course's only deliveries a trainer gives: no online lessons here.
        row.lessons, row.lesson_hours = 0, ZERO
    result = _finish(rows.values(), scope.rule)
    result.sort(key=lambda row: (-row.class_hours, row.label))
    return result


# The report ------------------------------------------------------------------------------


def _columns(*keys: str) -> list[Column]:
    catalogue = {
        "label": (pgettext("person", "Name"), "text"),
        "track_label": (_("Track"), "text"),
        "kind_label": (_("Kind"), "text"),
        "courses_run": (_("Courses run"), "count"),
        "sessions": (_("Sessions held"), "count"),
        "lessons": (_("Online lessons published"), "count"),
        "class_hours": (_("Class-hours delivered"), "hours"),
        "person_times": (_("Person-times"), "count"),
        "trainees": (_("Trainees"), "count"),
        "completions": (_("Completions"), "count"),
        "hours_online": (_("Hours earned online"), "hours"),
        "hours_classroom": (_("Hours earned in class"), "hours"),
        "hours_earned": (_("Hours earned in all"), "hours"),
        "attendance_rate": (_("Attendance rate"), "percent"),
        "satisfaction": (_("Satisfaction"), "percent"),
        "average_rating": (_("Average rating"), "rating"),
    }
    return [Column(key, *catalogue[key]) for key in keys]


def statistics_rule() -> StatisticsRule:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return StatisticsRule()
    return StatisticsRule.for_site(site)


def statistics_report(
    *, user: User, period: StatisticsPeriod, rule: StatisticsRule | None = None
) -> StatisticsReport:
    """The figures of ``period`` that ``user`` may read, beside the period before it."""
    rule = rule or statistics_rule()
    scope = _scope(user=user, rule=rule)
    before = period.previous()
    scope = _with_monthly(scope, period, before)
    scope = replace(scope, session_marks=_session_marks(scope, before, period))
    current_values, previous_values = _split(_headline_values(scope, period, before))
    current = _apply(Figures(label=_("Total")), current_values, rule)
    previous = _apply(Figures(label=_("Total")), previous_values, rule)
    course_rows = _course_rows(scope, period)
    cells = _profile_cells(scope, period)
    current.trainees = sum(cell.trainees for cell in cells)
    kinds = dict(Organization.Kind.choices)
    levels = dict(QualificationLevel.choices)
    tables = [
        StatisticsTable(
            "tracks",
            _("By track"),
            _columns(
                "label", "courses_run", "sessions", "class_hours", "person_times", "completions"
            ),
            _track_rows(course_rows, rule),
        ),
        StatisticsTable(
            "months",
            _("By month"),
            _columns(
                "label",
                "sessions",
                "lessons",
                "class_hours",
                "person_times",
                "completions",
                "hours_online",
                "hours_classroom",
            ),
            _month_rows(scope, period),
        ),
        StatisticsTable(
            "courses",
            _("By course"),
            _columns(
                "label",
                "track_label",
                "sessions",
                "lessons",
                "class_hours",
                "person_times",
                "completions",
                "attendance_rate",
                "satisfaction",
            ),
            course_rows,
        ),
        StatisticsTable(
            "organisation_kinds",
            _("By kind of organisation"),
            _columns("label", *TRAINEE_FIGURES),
            _profile_rows(cells, "organization__kind", kinds, rule),
        ),
        StatisticsTable(
            "organisations",
            _("Top organisations"),
            _columns("label", "kind_label", *TRAINEE_FIGURES),
            _organisation_rows(cells, rule),
        ),
        StatisticsTable(
            "qualification_levels",
            _("By qualification level"),
            _columns("label", *TRAINEE_FIGURES),
            _profile_rows(cells, "qualification_level", levels, rule),
        ),
        StatisticsTable(
            "trainers",
            _("Trainers' teaching"),
            _columns(
                "label", "sessions", "class_hours", "person_times", "satisfaction", "average_rating"
            ),
            _trainer_rows(scope, period),
        ),
    ]
    headlines = [
        Headline(key, label, kind, getattr(current, key), getattr(previous, key))
        for key, label, kind in (
            ("courses_run", _("Courses run"), "count"),
            ("class_hours", _("Class-hours delivered"), "hours"),
            ("person_times", _("Person-times"), "count"),
            ("trainees", _("Trainees reached"), "count"),
            ("sessions", _("Sessions held"), "count"),
            ("lessons", _("Online lessons published"), "count"),
            ("hours_online", _("Hours earned online"), "hours"),
            ("hours_classroom", _("Hours earned in class"), "hours"),
            ("completions", _("Completions"), "count"),
            ("certificates", _("Certificates issued"), "count"),
            ("attendance_rate", _("Attendance rate"), "percent"),
            ("satisfaction", _("Satisfaction"), "percent"),
        )
    ]
    return StatisticsReport(
        period=period,
        previous_period=before,
        rule=rule,
        current=current,
        previous=previous,
        headlines=headlines,
        tables=tables,
        as_of=scope.monthly_as_of,
    )
