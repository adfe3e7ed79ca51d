"""A notice made while Redis is down is kept, and sent once the sweep finds Redis back."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from enrollments.models import Notification, NotificationDelivery
from enrollments.services import recovery
from enrollments.services.enrollment import enrollment_approve, enrollment_enrol
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments.queueing import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Status = NotificationDelivery.JobStatus


def test_an_approval_during_an_outage_is_sent_once_redis_is_back(faulty_redis, sms_outbox):
    course = tree.course(requires_approval=True)
    trainee = people.trainee()
    application = enrollment_enrol(user=trainee, course=course)
    faulty_redis.kill()

    approved = enrollment_approve(enrollment_id=application.pk, actor=people.administrator())

    assert approved.status == "active"
    assert Notification.objects.filter(recipient=trainee).count() == 1
    deliveries = NotificationDelivery.objects.all()
    assert {(d.channel, d.job_status, d.queue_job_id) for d in deliveries} == {
        ("email", Status.PENDING, ""),
        ("sms", Status.PENDING, ""),
    }

    faulty_redis.start()
    later = timezone.now() + timedelta(minutes=5)
    assert recovery.job_sweep(kinds=[recovery.NOTIFICATION_DELIVERY_JOB], now=later) == 2
    assert recovery.job_sweep(kinds=[recovery.NOTIFICATION_DELIVERY_JOB], now=later) == 0
    run_worker()

    assert set(NotificationDelivery.objects.values_list("job_status", flat=True)) == {Status.DONE}
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert [m.phone for m in sms_outbox] == [trainee.phone]
