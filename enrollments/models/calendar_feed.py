import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def calendar_feed_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in the address of a trainee's personal calendar feed.

    Whoever has the address can read the feed, so the key is long and random, and the
    owner can revoke it; a revoked key answers 404 and is never reused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("trainee"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=calendar_feed_key)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="enrollments_one_live_calendar_feed_per_trainee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
