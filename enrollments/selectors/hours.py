"""Class-hour totals. Every total is a sum over the ``HourEntry`` ledger."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.core.cache import cache
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from academy.models import QualificationLevel, TraineeProfile, User
from enrollments.models import ContinuingEducationPolicy, ExternalTraining, HourEntry

ZERO = Decimal("0")


def _add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in other years."""
    year = day.year + years
    last_day = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last_day))


def ce_cycle_for(
    *, registration_date: date | None, cycle_years: int, today: date
) -> tuple[date, date] | None:
    """The registration cycle containing ``today``: (first day, last day), or None before it.

    Cycles of ``cycle_years`` years run back to back from the registration date.
    """
    if registration_date is None or today < registration_date:
        return None
    elapsed = today.year - registration_date.year
    index = elapsed // cycle_years
    start = _add_years(registration_date, index * cycle_years)
    if start > today:
        index -= 1
        start = _add_years(registration_date, index * cycle_years)
    end = _add_years(registration_date, (index + 1) * cycle_years) - timedelta(days=1)
    return start, end


CE_POLICY_KEY = "academy:ce-policy:{}"


def ce_policy_for_level(*, qualification_level: str) -> ContinuingEducationPolicy | None:
    """The policy for a qualification level, from the cache while no policy changes."""
    key = CE_POLICY_KEY.format(qualification_level)
    found = cache.get(key)
    if found is None:
        policy = ContinuingEducationPolicy.objects.filter(
            qualification_level=qualification_level
        ).first()
        found = (policy,)
        cache.set(key, found, timeout=None)
    return found[0]


def ce_policy_cache_forget(**_signal) -> None:
    """Connected to every change of a policy (``EnrollmentsConfig.ready``)."""
    cache.delete_many([CE_POLICY_KEY.format(level) for level in QualificationLevel.values])


def ce_policy_and_cycle(
    *, user: User, today: date, profile: TraineeProfile | Literal[False] | None = None
) -> tuple[ContinuingEducationPolicy | None, tuple[date, date] | None]:
    """The trainee's continuing-education policy and current cycle; (None, None) if unknown.

    ``profile`` saves a query when the caller has it; ``False`` says there is none.
    """
    if profile is None:
        profile = getattr(user, "trainee_profile", None)
    if not profile or not profile.registration_date:
        return None, None
    policy = ce_policy_for_level(qualification_level=profile.qualification_level)
    if policy is None:
        return None, None
    cycle = ce_cycle_for(
        registration_date=profile.registration_date, cycle_years=policy.cycle_years, today=today
    )
    return policy, cycle


def _sum(condition: Q):
    return Coalesce(
        Sum("hours", filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=9, decimal_places=1),
    )


@dataclass(frozen=True)
class CycleSummary:
    start: date
    end: date
    required: Decimal
    online: Decimal
    online_counted: Decimal
    other: Decimal
    online_cap: Decimal | None

    @property
    def earned(self) -> Decimal:
        return self.online_counted + self.other

    @property
    def remaining(self) -> Decimal:
        return max(ZERO, self.required - self.earned)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.earned * 100 / self.required))


@dataclass(frozen=True)
class HoursSummary:
    total: Decimal
    this_year: Decimal
    cycle: CycleSummary | None


def hours_summary(
    *, user: User, today: date, profile: TraineeProfile | Literal[False] | None = None
) -> HoursSummary:
    """Hours in total, this calendar year and in the current continuing-education cycle.

    Two queries: the policy for the trainee's level and one aggregate over the ledger.
    """
    policy, cycle = ce_policy_and_cycle(user=user, today=today, profile=profile)
    year_start = today.replace(month=1, day=1)
    aggregates = {
        "total": _sum(Q()),
        "this_year": _sum(Q(date__gte=year_start, date__lte=today)),
    }
    if cycle:
        in_cycle = Q(date__gte=cycle[0], date__lte=cycle[1])
        online = Q(source__in=HourEntry.ONLINE_SOURCES)
        aggregates["cycle_online"] = _sum(in_cycle & online)
        aggregates["cycle_other"] = _sum(in_cycle & ~online)
    totals = HourEntry.objects.filter(user=user).aggregate(**aggregates)
    cycle_summary = None
    if cycle and policy is not None:
        online = totals["cycle_online"]
        cap = policy.online_hours_cap
        cycle_summary = CycleSummary(
            start=cycle[0],
            end=cycle[1],
            required=policy.hours_required,
            online=online,
            online_counted=min(online, cap) if cap is not None else online,
            other=totals["cycle_other"],
            online_cap=cap,
        )
    return HoursSummary(total=totals["total"], this_year=totals["this_year"], cycle=cycle_summary)


def hour_entry_list(*, user: User) -> QuerySet[HourEntry]:
    return (
        HourEntry.objects.filter(user=user)
        .select_related("course", "lesson", "session", "recorded_by", "external_training")
        .order_by("-date", "-pk")
    )


def external_training_list_for_user(*, user: User) -> QuerySet[ExternalTraining]:
    """A trainee's external training submissions, newest first."""
    return ExternalTraining.objects.filter(user=user).order_by("-submitted_at", "-pk")


def _source_sum(*sources: str) -> Sum:
    return Sum(
        Case(
            When(hour_entries__source__in=sources, then=F("hour_entries__hours")),
            default=Value(0),
            output_field=DecimalField(max_digits=8, decimal_places=1),
        )
    )


def hours_summary_rows(
    *, date_from: date, date_to: date, organization_id: int | None = None
) -> QuerySet:
    """One row per trainee with hours in the period: by source and in total."""
    in_period = Q(hour_entries__date__gte=date_from, hour_entries__date__lte=date_to)
    users = User.objects.filter(in_period)
    if organization_id:
        users = users.filter(trainee_profile__organization_id=organization_id)
    return (
        users.values("pk", "full_name", "phone", "trainee_profile__organization__name")
        .annotate(
            online=_source_sum(*HourEntry.ONLINE_SOURCES),
            classroom=_source_sum(HourEntry.Source.CLASSROOM_SESSION),
            external=_source_sum(HourEntry.Source.EXTERNAL_TRAINING),
            adjustment=_source_sum(HourEntry.Source.ADJUSTMENT),
            total=Sum("hour_entries__hours"),
        )
        .order_by("trainee_profile__organization__name", "full_name", "pk")
        .values_list(
            "full_name",
            "phone",
            "trainee_profile__organization__name",
            "online",
            "classroom",
            "external",
            "adjustment",
            "total",
        )
    )
