"""Class sessions: past ones on consecutive days up to yesterday, some still to come."""

from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.utils import timezone

from courses.models import ClassSession

from .bulk import first_free_id, rows_insert, spread
from .sizes import Scale

SESSION_HOURS = Decimal("3.0")


def _local_time(day, hour: int):
    return timezone.make_aware(datetime.combine(day, clock(hour, 0)))


def sessions_insert(*, scale: Scale, courses: list, trainers: list[int], now) -> list[list[tuple]]:
    """Each course's sessions as (id, starts_at, is_past, trainer id); past ones on consecutive days
    ending yesterday, one upcoming session in ``upcoming_every``."""
    counts = spread(scale.sessions, len(courses))
    upcoming = [max(0, count // scale.upcoming_every) for count in counts]
    past_total = sum(counts) - sum(upcoming)
    today = timezone.localdate(now)
    first_day = today - timedelta(days=past_total)
    next_id = first_free_id(ClassSession)
    rows, by_course = [], []
    past_index = 0
    for course_index, course in enumerate(courses):
        trainer = trainers[course_index % len(trainers)] if trainers else None
        sessions = []
        for position in range(counts[course_index]):
            is_past = position < counts[course_index] - upcoming[course_index]
            if is_past:
                day = first_day + timedelta(days=past_index)
                past_index += 1
            else:
                day = today + timedelta(days=1 + (course_index * 3 + position) % 120)
            starts_at = _local_time(day, 9)
            rows.append(
                (
                    next_id,
                    position,
                    course.pk,
                    f"第 {position + 1} 次面授",
                    "classroom",
                    starts_at,
                    starts_at + timedelta(hours=3),
                    f"社会工作服务大楼 {300 + course_index % 20} 室",
                    "",
                    trainer,
                    None,
                    SESSION_HOURS,
                )
            )
            sessions.append((next_id, starts_at, is_past, trainer))
            next_id += 1
        by_course.append(sessions)
    rows_insert(
        ClassSession,
        [
            "id",
            "sort_order",
            "course_id",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "meeting_url",
            "trainer_id",
            "capacity",
            "class_hours",
        ],
        rows,
    )
    return by_course
