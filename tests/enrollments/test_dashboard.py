from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import TraineeProfile
from courses.models import ClassSession
from enrollments.models import Enrollment, HourEntry, LessonProgress
from tests.academy import factories
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


def fill(trainee, courses, entries):
    for index, course in enumerate(courses):
        status = [Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED, Enrollment.Status.PENDING][
            index % 3
        ]
        enrollment = ef.enrollment(trainee, course, status=status)
        for lesson in course.get_children().specific():
            LessonProgress.objects.create(
                enrollment=enrollment, lesson=lesson, completed_at=timezone.now()
            )
        ClassSession.objects.create(
            course=course,
            title="面授",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=2),
            class_hours=Decimal("2"),
        )
    for index in range(entries):
        HourEntry.objects.create(
            user=trainee,
            source=HourEntry.Source.ONLINE_LESSON if index % 2 else HourEntry.Source.ADJUSTMENT,
            hours=Decimal("1.0"),
            date=timezone.localdate() - timedelta(days=index),
        )


def make_trainee():
    trainee = factories.trainee()
    TraineeProfile.objects.filter(user=trainee).update(registration_date=date(2024, 1, 1))
    return trainee


def count_queries(client, trainee):
    client.force_login(trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("enrollments:dashboard"))
    assert response.status_code == 200
    return len(queries), response


def test_dashboard_issues_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    courses = []
    for _ in range(6):
        course = ef.course()
        ef.lesson(course)
        ef.lesson(course)
        courses.append(course)

    small = make_trainee()
    fill(small, courses[:1], entries=1)
    small_count, _response = count_queries(client, small)

    large = make_trainee()
    fill(large, courses, entries=40)
    client.force_login(large)
    with django_assert_max_num_queries(small_count):
        response = client.get(reverse("enrollments:dashboard"))
    assert response.status_code == 200
    assert small_count <= 25


def test_dashboard_shows_progress_hours_and_states(client):
    course = ef.course(title="伦理课程")
    first = ef.lesson(course)
    ef.lesson(course)
    waiting_course = ef.course(title="候补课程")
    trainee = make_trainee()
    enrollment = ef.enrollment(trainee, course)
    LessonProgress.objects.create(enrollment=enrollment, lesson=first, completed_at=timezone.now())
    ef.enrollment(trainee, waiting_course, status=Enrollment.Status.WAITLISTED)
    HourEntry.objects.create(
        user=trainee, source=HourEntry.Source.ONLINE_LESSON, hours=Decimal("2.5")
    )
    client.force_login(trainee)
    client.cookies["academy_language"] = "en"

    page = client.get(reverse("enrollments:dashboard")).content.decode()

    assert "伦理课程" in page
    assert "1 of 2 lessons done (50%)" in page
    assert "候补课程" in page
    assert "On the waiting list" in page
    assert "2.5" in page
    assert "/ 72" in page


def test_dashboard_needs_login(client):
    response = client.get(reverse("enrollments:dashboard"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_dashboard_links_to_check_in_and_certificates(client):
    from django.urls import reverse

    from tests.academy.factories import trainee

    client.force_login(trainee())

    content = client.get(reverse("enrollments:dashboard")).content.decode()

    assert reverse("attendance:checkin_by_code") in content
    assert reverse("certificates:mine") in content
