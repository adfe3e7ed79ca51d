"""Rebuild the monthly figures per trainee that the year in figures reads (``TraineeMonthFigures``).

One ``INSERT … SELECT`` aggregates the attendance marks, completions and ledger entries of
every trainee by calendar month, inside the transaction that deletes the previous rows, so
readers see either the old figures or the new ones.
"""

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from academy.models import TraineeProfile
from courses.models import DeliveryMode
from enrollments.models import (
    Attendance,
    Enrollment,
    HourEntry,
    SessionFigures,
    StatisticsRollup,
    TraineeMonthFigures,
)

FIGURES = (
    "marks",
    "attended",
    "completions",
    "completions_online",
    "completions_blended",
    "hours_online",
    "hours_classroom",
    "hours_other",
)


def _month(field_name: str) -> Cast:
    return Cast(TruncMonth(field_name), DateField())


def _sources(now) -> list[tuple[QuerySet, tuple[str, ...]]]:
    """Per trainee and month: each kind of record with the figures it gives."""

    def hours(*sources):
        return Coalesce(
            Sum("hours", filter=Q(source__in=sources)),
            0,
            output_field=HourEntry._meta.get_field("hours"),
        )

    attendance = (
        Attendance.objects.filter(session__starts_at__lt=now)
        .annotate(uid=F("enrollment__user_id"), month=_month("session__starts_at"))
        .values("uid", "month")
        .annotate(
            marks=Count("pk"),
            attended=Count("pk", filter=Q(status__in=list(Attendance.ATTENDED_STATUSES))),
        )
        .order_by()
    )
    completions = (
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, completed_at__isnull=False)
        .annotate(uid=F("user_id"), month=_month("completed_at"))
        .values("uid", "month")
        .annotate(
            completions=Count("pk"),
            completions_online=Count("pk", filter=Q(course__delivery_mode=DeliveryMode.ONLINE)),
            completions_blended=Count("pk", filter=Q(course__delivery_mode=DeliveryMode.BLENDED)),
        )
        .order_by()
    )
    entries = (
        HourEntry.objects.annotate(uid=F("user_id"), month=_month("date"))
        .values("uid", "month")
        .annotate(
            hours_online=hours(*HourEntry.ONLINE_SOURCES),
            hours_classroom=hours(HourEntry.Source.CLASSROOM_SESSION),
            hours_other=hours(HourEntry.Source.EXTERNAL_TRAINING, HourEntry.Source.ADJUSTMENT),
        )
        .order_by()
    )
    return [
        (attendance, ("marks", "attended")),
        (completions, ("completions", "completions_online", "completions_blended")),
        (entries, ("hours_online", "hours_classroom", "hours_other")),
    ]


def _insert_sql(now) -> tuple[str, list]:
    quote = connection.ops.quote_name
    table = quote(TraineeMonthFigures._meta.db_table)
    profiles = quote(TraineeProfile._meta.db_table)
    profile_columns = ("organization_id", "qualification_level")
    columns = ", ".join(quote(name) for name in ("user_id", "month", *profile_columns, *FIGURES))
    parts: list[str] = []
    params: list = []
    for queryset, given in _sources(now):
        sql, part_params = queryset.query.sql_with_params()
        values = ", ".join(f"part.{name}" if name in given else f"0 AS {name}" for name in FIGURES)
        # Quoted names and compiled querysets only; every value is a parameter.
        parts.append(f"SELECT part.uid, part.month, {values} FROM ({sql}) part")  # noqa: S608
        params.extend(part_params)
    sums = ", ".join(f"SUM(parts.{name})" for name in FIGURES)
    union = " UNION ALL ".join(parts)
    profile = ", ".join(f"profile.{quote(name)}" for name in profile_columns)
    select = (
        f"SELECT parts.uid, parts.month, {profile}, {sums} FROM ({union}) parts "  # noqa: S608
        f"LEFT JOIN {profiles} profile ON profile.{quote('user_id')} = parts.uid"
    )
    group = f"parts.uid, parts.month, {profile}"
    return f"INSERT INTO {table} ({columns}) {select} GROUP BY {group}", params


def _session_insert_sql(now) -> tuple[str, list]:
    marks = (
        Attendance.objects.filter(session__starts_at__lt=now)
        .values("session_id")
        .annotate(
            marks=Count("pk"),
            attended=Count("pk", filter=Q(status__in=list(Attendance.ATTENDED_STATUSES))),
        )
        .order_by()
    )
    sql, params = marks.query.sql_with_params()
    table = connection.ops.quote_name(SessionFigures._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in ("session_id", *FIGURES[:2]))
    return f"INSERT INTO {table} ({columns}) {sql}", list(params)  # noqa: S608


def statistics_rollup_refresh() -> int:
    """Rebuild every trainee's monthly figures and every session's marks from the records;
    the number of monthly rows."""
    now = timezone.now()
    with transaction.atomic():
        TraineeMonthFigures.objects.all().delete()
        SessionFigures.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(*_insert_sql(now))
            cursor.execute(*_session_insert_sql(now))
        rows = TraineeMonthFigures.objects.count()
        StatisticsRollup.objects.update_or_create(
            pk=1, defaults={"refreshed_at": now, "rows": rows}
        )
    _rollup_tables_tidy()
    return rows


def _rollup_tables_tidy() -> None:
    """Give the planner the rebuilt tables' statistics at once and, on PostgreSQL outside a
    transaction, clear the rows the rebuild deleted, so the next page reads them by index
    alone instead of waiting for autovacuum."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (TraineeMonthFigures, SessionFigures)
    )
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {tables}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
