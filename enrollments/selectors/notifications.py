"""Reading notices and the choices of who gets them on which channel."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from academy.models import User
from enrollments.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from enrollments.models.notifications import channel_enabled_by_default

# The header's bell: the count of a user's unread notices, kept in the cache until a
# notice of theirs is made, read, moved or deleted (``notification_unread_forget``), and
# for at most this long.
UNREAD_KEY = "academy:notifications:unread:{user_id}"
UNREAD_SECONDS = 600


def notification_unread_count(*, user: User) -> int:
    """From the cache, else one query on the index of unread notices."""
    key = UNREAD_KEY.format(user_id=user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def notification_unread_forget(*user_ids: int) -> None:
    """Drop the cached counts now and again when the caller's transaction commits, so a
    request that read the old rows meanwhile cannot keep its count."""
    keys = [UNREAD_KEY.format(user_id=user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def notification_changed(sender, instance, **_signal) -> None:
    """A notice saved or deleted (connected in ``EnrollmentsConfig.ready``)."""
    notification_unread_forget(instance.recipient_id)


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
