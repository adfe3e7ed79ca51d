from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollments.models import Enrollment, HourEntry
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


def fill(trainee, courses, entries):
    for index, course in enumerate(courses):
        status = [Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED, Enrollment.Status.PENDING][
            index % 3
        ]
        enrollment = ef.enrollment(course=course, user=trainee, status=status)
        for lesson in course.get_children().specific():
            ef.lesson_progress(enrollment=enrollment, lesson=lesson)
        tree.session(course=course, title="面授", days_ahead=2, minutes=120, hours="2")
    for index in range(entries):
        ef.hour_entry(
            user=trainee,
            source=HourEntry.Source.ONLINE_LESSON if index % 2 else HourEntry.Source.ADJUSTMENT,
            hours=Decimal("1.0"),
            date=timezone.localdate() - timedelta(days=index),
        )


def make_trainee():
    return factories.trainee(registration_date=date(2024, 1, 1))


def count_queries(client, trainee):
    client.force_login(trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("enrollments:dashboard"))
    assert response.status_code == 200
    return len(queries), response


def test_dashboard_issues_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    courses = []
    for _ in range(6):
        course = tree.course()
        tree.lesson(parent=course)
        tree.lesson(parent=course)
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
    # 25, and one for the unread count of the notification bell.
    assert small_count <= 26


def test_dashboard_shows_progress_hours_and_states(client):
    course = tree.course(title="伦理课程")
    first = tree.lesson(parent=course)
    tree.lesson(parent=course)
    waiting_course = tree.course(title="候补课程")
    trainee = make_trainee()
    enrollment = ef.enrollment(course=course, user=trainee)
    ef.lesson_progress(enrollment=enrollment, lesson=first)
    ef.enrollment(course=waiting_course, user=trainee, status=Enrollment.Status.WAITLISTED)
    ef.hour_entry(user=trainee, hours=Decimal("2.5"))
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
    url = reverse("enrollments:dashboard")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={quote(url)}"


def test_dashboard_links_to_check_in_and_certificates(client):
    client.force_login(factories.trainee())

    content = client.get(reverse("enrollments:dashboard")).content.decode()

    assert reverse("attendance:checkin_by_code") in content
    assert reverse("certificates:mine") in content
