"""Reading notices and the choices of who gets them on which channel."""

from django.db.models import QuerySet

from academy.models import User
from enrollments.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from enrollments.models.notifications import channel_enabled_by_default


def notification_unread_count(*, user: User) -> int:
    """One query, on the index of unread notices."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_preferences(*, user: User) -> dict[tuple[str, str], bool]:
    """Every (kind, channel) the trainee can choose, with their choice or the default."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return {
        (kind, channel): chosen.get(
            (kind, channel), channel_enabled_by_default(kind=kind, channel=channel)
        )
        for kind in NotificationKind.values
        for channel in NotificationChannel.values
    }


def notification_channel_address(*, user: User, channel: str) -> str:
    """Where a notice on ``channel`` goes for ``user``: their e-mail or mobile, or ""."""
    return user.email if channel == NotificationChannel.EMAIL else user.phone


def notification_channels_for(*, user: User, kind: str) -> list[str]:
    """The channels (besides the site) a notice of ``kind`` goes out on for ``user``."""
    preferences = notification_preferences(user=user)
    return [channel for channel in NotificationChannel.values if preferences[(kind, channel)]]
