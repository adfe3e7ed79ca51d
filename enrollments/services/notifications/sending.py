"""Making a notice once, and sending it on the channels its recipient allowed."""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from academy.models import User
from academy.sms import sms_send
from enrollments.models import (
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationPreference,
)
from enrollments.selectors.certificates import absolute_url
from enrollments.selectors.notifications import (
    notification_channel_address,
    notification_channels_for,
    notification_unread_forget,
)
from enrollments.services.jobs import FailureOutcome, JobKind, job_failure_outcome

logger = logging.getLogger(__name__)

NOTIFICATION_DELIVERY_JOB = JobKind(
    model=NotificationDelivery,
    task_path="enrollments.tasks.notification_deliver_task",
    task_arguments=lambda delivery: {"delivery_id": delivery.pk},
)


def notification_send(
    *, recipient: User, kind: str, key: str, title: str, body: str, link: str = ""
) -> Notification:
    """The notice ``key`` for ``recipient``, made once; its e-mail and text message are
    queued when the caller's transaction commits, on the channels the recipient allowed for
    ``kind`` and has an address for. Asking again with the same key changes nothing."""
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={"kind": kind, "title": title[:200], "body": body, "link": link[:500]},
        )
        if not created:
            return notification
        for channel in notification_channels_for(user=recipient, kind=kind):
            address = notification_channel_address(user=recipient, channel=channel)
            if not address:
                continue
            delivery = NotificationDelivery.objects.create(
                notification=notification, channel=channel, address=address
            )
            NOTIFICATION_DELIVERY_JOB.enqueue_on_commit(delivery)
    return notification


def _email_body(notification: Notification) -> str:
    if not notification.link:
        return notification.body
    url = absolute_url(path=notification.link)
    # Some texts already carry their link where it reads best.
    return notification.body if url in notification.body else f"{notification.body}\n\n{url}\n"


def _sms_text(notification: Notification) -> str:
    return f"{notification.title}：{notification.body}".strip()


def notification_deliver(*, delivery_id: int) -> NotificationDelivery:
    """Send one delivery; sending it again once it is sent does nothing."""
    with transaction.atomic():
        delivery = (
            NotificationDelivery.objects.select_for_update(of=("self",))
            .select_related("notification")
            .get(pk=delivery_id)
        )
        if delivery.is_done:
            return delivery
        notification = delivery.notification
        if delivery.channel == NotificationChannel.EMAIL:
            send_mail(
                notification.title,
                _email_body(notification),
                None,
                [delivery.address],
            )
        else:
            sms_send(phone=delivery.address, text=_sms_text(notification))
        delivery.mark_done()
    return delivery


def notification_delivery_record_failure(
    *, delivery_id: int, error: BaseException
) -> FailureOutcome:
    """Note a failed attempt; say whether (and when) to try again."""
    with transaction.atomic():
        delivery = NotificationDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.is_done:
            return FailureOutcome(attempts=0, retry_after=None)
        delivery.mark_failed(error)
    logger.warning(
        "Notification delivery %s (%s) failed: %s", delivery_id, delivery.channel, delivery.error
    )
    return job_failure_outcome(job=delivery, error=error)


def notifications_mark_read(
    *, user: User, notification_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Mark the user's unread notices read (only ``notification_ids`` when given); only the
    user's own notices are touched. Returns how many."""
    notices = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        notices = notices.filter(pk__in=list(notification_ids))
    marked = notices.update(read_at=now or timezone.now())
    notification_unread_forget(user.pk)
    return marked


def notification_preferences_save(
    *, user: User, preferences: Mapping[tuple[str, str], bool]
) -> None:
    """Keep the trainee's choice for each (kind, channel) given."""
    with transaction.atomic():
        for (kind, channel), enabled in preferences.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
            )
