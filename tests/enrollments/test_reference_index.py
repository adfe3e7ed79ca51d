"""Wagtail's reference index records what editors look up (an enrolment's course), not
the records written in bulk (attendance, hour entries, notices and their sending)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ReferenceIndex

from enrollments.models import Attendance, Enrollment, HourEntry, Notification, NotificationDelivery
from enrollments.services.notifications import notification_send
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


def indexed(model) -> int:
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(model)
    ).count()


def test_bulk_records_are_not_indexed_and_enrolments_still_are(client):
    client.get(reverse("wagtailadmin_home"))  # the admin's viewsets registered
    course = tree.course()
    enrollment = ef.enrollment(course=course)
    session = tree.session(course=course, days_ahead=-1)
    ef.attendance(session=session, enrollment=enrollment)
    ef.hour_entry(user=enrollment.user, hours="2", course=course)
    notification_send(
        recipient=enrollment.user, kind="enrollment_approved", key="k", title="t", body="b"
    )
    assert NotificationDelivery.objects.exists()
    assert Attendance.objects.exists() and HourEntry.objects.exists()

    assert indexed(Enrollment) > 0
    for model in (Attendance, HourEntry, Notification, NotificationDelivery):
        assert indexed(model) == 0, model
