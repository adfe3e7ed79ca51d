"""The demo's year of history: the academy's size in the last twelve months, kept
consistent, and built once."""

import csv
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from courses.models import ClassSession, CoursePage, DeliveryMode, LessonPage
from enrollments.models import (
    Attendance,
    Certificate,
    Enrollment,
    Evaluation,
    EvaluationAnswer,
    HourEntry,
)
from enrollments.selectors.evaluations import evaluation_pending_for

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_last_twelve_months_are_an_academys_year(tmp_path):
    _seed()
    now = timezone.now()
    since = now - timedelta(days=365)
    held = ClassSession.objects.filter(starts_at__gte=since, ends_at__lte=now)
    completed = Enrollment.objects.filter(
        status=Enrollment.Status.COMPLETED, completed_at__gte=since, completed_at__lte=now
    )
    courses_run = CoursePage.objects.filter(
        Q(pk__in=held.values("course_id")) | Q(pk__in=completed.values("course_id"))
    )
    assert 35 <= courses_run.count() <= 45

    session_hours = held.aggregate(total=Sum("class_hours"))["total"]
    lesson_hours = (
        LessonPage.objects.live()
        .filter(first_published_at__gte=since, first_published_at__lte=now)
        .aggregate(total=Sum("class_hours"))["total"]
    )
    assert 140 <= session_hours + lesson_hours <= 180

    attended = Attendance.objects.filter(
        session__in=held, status__in=Attendance.ATTENDED_STATUSES
    ).count()
    online_completions = completed.filter(course__delivery_mode=DeliveryMode.ONLINE).count()
    assert 3000 <= attended + online_completions <= 4200
    assert Attendance.objects.filter(session__in=held, status=Attendance.Status.ABSENT).exists()

    organizations = (
        Enrollment.objects.filter(course__in=courses_run)
        .values("user__trainee_profile__organization__kind")
        .annotate(count=Count("user__trainee_profile__organization", distinct=True))
    )
    kinds = {
        row["user__trainee_profile__organization__kind"]: row["count"] for row in organizations
    }
    assert {"social_work", "volunteer_team", "street_office"} <= set(kinds)
    assert sum(kinds.values()) >= 30

    output = tmp_path / "attendance.csv"
    call_command("export_attendance", "--format", "csv", "--output", str(output), stdout=None)
    with output.open(encoding="utf-8-sig") as exported:
        assert len(list(csv.reader(exported))) - 1 >= 3000


def test_the_history_is_consistent():
    _seed()
    # Each mark credits what its ledger entries add up to.
    ledger = {
        (enrollment_id, session_id): total
        for enrollment_id, session_id, total in HourEntry.objects.filter(session__isnull=False)
        .order_by()
        .values_list("enrollment_id", "session_id")
        .annotate(total=Sum("hours"))
    }
    marks = Attendance.objects.values_list("enrollment_id", "session_id", "hours_credited")
    assert len(marks) > 3000
    for enrollment_id, session_id, credited in marks:
        assert ledger.get((enrollment_id, session_id), Decimal("0")) == credited

    # Every completion has its certificate, stating the enrolment's hours in the ledger.
    completed = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
    assert completed.count() > 1000
    assert not completed.filter(certificate__isnull=True).exists()
    totals = dict(
        HourEntry.objects.filter(enrollment__in=completed)
        .order_by()
        .values_list("enrollment_id")
        .annotate(total=Sum("hours"))
    )
    certificates = Certificate.objects.filter(status=Certificate.Status.ISSUED)
    for enrollment_id, hours, serial in certificates.values_list(
        "enrollment_id", "hours", "serial_number"
    ):
        assert serial
        assert totals[enrollment_id] == hours
    # A classroom course is completed by attending every one of its sessions.
    for enrollment in completed.filter(course__delivery_mode=DeliveryMode.CLASSROOM):
        sessions = ClassSession.objects.filter(course_id=enrollment.course_id).count()
        attended = enrollment.attendances.filter(status__in=Attendance.ATTENDED_STATUSES).count()
        assert attended == sessions

    # Evaluations: of attended sessions and completed courses only, with ratings 1 to 5.
    evaluations = Evaluation.objects.all()
    assert evaluations.count() > 2000
    session_evaluations = evaluations.filter(session__isnull=False)
    assert (
        session_evaluations.count()
        == session_evaluations.filter(
            enrollment__attendances__session=models.F("session"),
            enrollment__attendances__status__in=Attendance.ATTENDED_STATUSES,
        ).count()
    )
    assert (
        not evaluations.filter(session__isnull=True)
        .exclude(enrollment__status=Enrollment.Status.COMPLETED)
        .exists()
    )
    ratings = EvaluationAnswer.objects.filter(rating__isnull=False)
    assert set(ratings.values_list("rating", flat=True)) <= {1, 2, 3, 4, 5}
    assert EvaluationAnswer.objects.exclude(text="").exists()


def test_the_demo_trainee_has_a_session_to_evaluate():
    _seed()
    from academy.models import User

    trainee = User.objects.get(username="trainee")
    pending = evaluation_pending_for(user=trainee)
    sessions = [item.session for item in pending if item.session is not None]
    assert len(sessions) == 1
    enrollment = Enrollment.objects.get(user=trainee, course_id=sessions[0].course_id)
    assert enrollment.status == Enrollment.Status.ACTIVE
