"""Notification jobs against a real Redis, run by an RQ worker in burst mode."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from academy import sms
from enrollments.models import Notification, NotificationDelivery
from enrollments.tasks import session_reminders_task
from tests.courses import factories as tree
from tests.enrollments import factories as ef
from tests.enrollments.queueing import needs_redis, queue, run_worker

pytestmark = [
    needs_redis,
    pytest.mark.rq,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = NotificationDelivery.JobStatus


def tomorrow_at_nine() -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_reminder_job_run_twice_sends_each_reminder_once(rq_tasks, sms_outbox):
    course = tree.course()
    tree.session(course=course, starts_at=tomorrow_at_nine())
    trainees = [ef.enrollment(course=course).user for _ in range(3)]

    session_reminders_task.enqueue()
    run_worker()
    session_reminders_task.enqueue()
    run_worker()

    assert Notification.objects.count() == 3
    assert set(NotificationDelivery.objects.values_list("job_status", flat=True)) == {Status.DONE}
    assert NotificationDelivery.objects.count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.email for t in trainees)
    assert sorted(m.phone for m in sms_outbox) == sorted(t.phone for t in trainees)
    assert queue("default").failed_job_registry.count == 0


def test_a_refused_text_message_is_retried_and_then_sent(rq_tasks, sms_outbox):
    from enrollments.services.notifications import notification_send

    trainee = ef.enrollment(course=tree.course()).user
    real_send = sms.LocmemBackend.send
    calls = []

    def refuse_once(self, *, phone, text, **provider_fields):
        calls.append(phone)
        if len(calls) == 1:
            raise sms.SmsError("provider busy")
        real_send(self, phone=phone, text=text)

    with mock.patch.object(sms.LocmemBackend, "send", refuse_once):
        notification_send(
            recipient=trainee, kind="session_reminder", key="k", title="明日上课", body="九点"
        )
        run_worker()
        delivery = NotificationDelivery.objects.get(channel="sms")
        assert delivery.job_status == Status.FAILED and "provider busy" in delivery.error
        run_worker(with_scheduler=True)

    delivery.refresh_from_db()
    assert delivery.job_status == Status.DONE and delivery.attempts == 1
    assert [m.phone for m in sms_outbox] == [trainee.phone]
    assert len(mail.outbox) == 1
