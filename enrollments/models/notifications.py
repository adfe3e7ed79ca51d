from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jobs import BackgroundJob


class NotificationKind(models.TextChoices):
    ENROLLMENT_APPROVED = "enrollment_approved", _("Enrolment approved")
    ENROLLMENT_REJECTED = "enrollment_rejected", _("Enrolment not accepted")
    WAITLIST_PROMOTED = "waitlist_promoted", _("Moved up from the waiting list")
    SESSION_REMINDER = "session_reminder", _("Session tomorrow")
    SESSION_CHANGED = "session_changed", _("Session changed")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    EXTERNAL_TRAINING_REVIEWED = "external_training_reviewed", _("External training reviewed")
    CE_CYCLE_REMINDER = "ce_cycle_reminder", _("Continuing-education cycle ending")
    EXAM_RESULT = "exam_result", _("Exam result")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


# What a trainee gets before choosing: every notice in the site and by e-mail; by text
# message only what needs acting on soon (a place, a session tomorrow or moved).
SMS_BY_DEFAULT = frozenset(
    {
        NotificationKind.ENROLLMENT_APPROVED,
        NotificationKind.WAITLIST_PROMOTED,
        NotificationKind.SESSION_REMINDER,
        NotificationKind.SESSION_CHANGED,
        NotificationKind.SESSION_CANCELLED,
    }
)


def channel_enabled_by_default(*, kind: str, channel: str) -> bool:
    return channel == NotificationChannel.EMAIL or kind in SMS_BY_DEFAULT


class Notification(models.Model):
    """A notice in the site for one person; ``key`` makes it once per event and recipient."""

    # Wagtail indexes the references of every model with an admin viewset on each save;
    # these records point at no content an editor looks up, and are written in bulk.
    wagtail_reference_index_ignore = True

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="enrollments_notification_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="enrollments_notice_unread",
            ),
            models.Index(fields=["kind", "-created_at"]),
        ]

    def __str__(self):
        return self.title


class NotificationDelivery(BackgroundJob):
    """Sending one notice by e-mail or text message: a background job, swept like the others.

    ``job_status`` done means sent; ``address`` is where it went, as it was at the time.
    """

    # Wagtail indexes the references of every model with an admin viewset on each save;
    # these records point at no content an editor looks up, and are written in bulk.
    wagtail_reference_index_ignore = True

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    address = models.CharField(_("address"), max_length=254)

    queue_job_prefix = "notification-delivery"

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="enrollments_delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["job_status", "created_at"])]

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()}"


class NotificationPreference(models.Model):
    """A trainee's choice for one kind of notice on one channel; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="enrollments_preference_once"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.channel}"
