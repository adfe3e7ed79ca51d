"""A trainee's personal calendar feed: the secret link is made on demand and revocable."""

from django.db import transaction
from django.utils import timezone

from academy.learner_version import learner_version_bump
from academy.models import User
from enrollments.models import CalendarFeedToken


def calendar_feed_token_create(*, user: User) -> CalendarFeedToken:
    """The trainee's live feed link; a new one (the old one revoked) if one exists."""
    with transaction.atomic():
        # Locks the owner's row so two clicks at once still leave one live link.
        User.objects.select_for_update().filter(pk=user.pk).first()
        calendar_feed_token_revoke(user=user)
        return CalendarFeedToken.objects.create(user=user)


def calendar_feed_token_revoke(*, user: User) -> int:
    """Stops the trainee's live feed link from working; returns how many were revoked."""
    revoked = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    learner_version_bump(user.pk)
    return revoked
