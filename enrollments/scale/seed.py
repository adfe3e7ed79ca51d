"""The whole scale dataset in one transaction, and the check that it is not there yet."""

import random
import time
from collections.abc import Callable
from functools import partial

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from academy.models import Organization, TraineeProfile
from academy.roles import TRAINEE, TRAINER
from courses.models import ClassSession, CoursePage, CurriculumPage, LessonPage
from enrollments.models import Enrollment, HourEntry
from enrollments.services.statistics import statistics_rollup_refresh

from .bulk import rows_insert
from .people import organizations_insert, users_insert
from .records import HOUR_COLUMNS, attendance_insert, enrollments_insert, progress_insert
from .sessions import sessions_insert
from .sizes import PREFIX, Scale
from .tree import search_index_add, tree_insert


class ScaleDataExists(Exception):
    """The database already holds scale data; the seed runs once per database."""


def scale_data_present() -> bool:
    return (
        get_user_model().objects.filter(username__startswith=PREFIX).exists()
        or CurriculumPage.objects.filter(code__startswith=PREFIX).exists()
    )


def scale_data_seed(
    *, scale: Scale, now=None, log: Callable[[str], None] = lambda message: None
) -> dict:
    """Build the scale dataset in one transaction; returns the counts and timings.

    Refuses (``ScaleDataExists``) when the database already holds scale data.
    """
    if scale_data_present():
        raise ScaleDataExists(
            "This database already holds scale data (users named 'scale-…'). "
            "seed_scale runs once per database: use a fresh database to build it again."
        )
    now = now or timezone.now()
    rng = random.Random(20260)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str):
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)
        log(f"{name}: {timings[name]} s")

    with transaction.atomic():
        organizations = organizations_insert(scale=scale)
        people_insert = partial(users_insert, rng=rng, now=now, organizations=organizations)
        trainers = people_insert(
            count=scale.trainers, role=TRAINER, label="trainer", phone_prefix="167"
        )
        trainees = people_insert(
            count=scale.trainees, role=TRAINEE, label="trainee", phone_prefix="166"
        )
        step("people")
        tree = tree_insert(scale=scale, trainers=trainers, now=now)
        step("pages")
        sessions = sessions_insert(scale=scale, courses=tree["courses"], trainers=trainers, now=now)
        enrollments = enrollments_insert(
            scale=scale, trainees=trainees, courses=tree["courses"], sessions=sessions, now=now
        )
        step("sessions and enrolments")
        progress_count, online_hours = progress_insert(
            scale=scale,
            courses=tree["courses"],
            lessons=tree["lessons"],
            enrollments=enrollments,
            now=now,
        )
        step("lesson progress")
        attendance_count, classroom_hours = attendance_insert(
            scale=scale, courses=tree["courses"], sessions=sessions, enrollments=enrollments
        )
        step("attendance")
        hour_count = rows_insert(HourEntry, HOUR_COLUMNS, online_hours)
        hour_count += rows_insert(HourEntry, HOUR_COLUMNS, classroom_hours)
        del online_hours, classroom_hours
        step("hours ledger")
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(),
                [
                    Organization,
                    get_user_model(),
                    get_user_model().groups.through,
                    TraineeProfile,
                    Page,
                    CoursePage.trainers.through,
                    ClassSession,
                    Enrollment,
                ],
            ):
                cursor.execute(statement)
        search_index_add(
            {
                CurriculumPage: tree["curricula"],
                CoursePage: tree["courses"],
                LessonPage: [lesson for group in tree["lessons"] for lesson in group],
            }
        )
        step("search index")
    statistics_rollup_refresh()
    step("statistics")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("analyze")
    return {
        "scale": scale.as_dict(),
        "counts": {
            "organizations": len(organizations),
            "trainers": len(trainers),
            "trainees": len(trainees),
            "curricula": len(tree["curricula"]),
            "courses": len(tree["courses"]),
            "lessons": sum(len(group) for group in tree["lessons"]),
            "sessions": sum(len(group) for group in sessions),
            "enrollments": sum(len(group) for group in enrollments),
            "lesson_progress": progress_count,
            "attendance": attendance_count,
            "hour_entries": hour_count,
        },
        "seconds": round(time.perf_counter() - started, 2),
        "timings": timings,
    }
