from django.db.models import Count, Min, QuerySet
from django.db.models.functions import Lower

from .models import TraineeProfile


def unlisted_organization_counts() -> QuerySet:
    """The organisation names trainees typed because theirs was not listed, one row per
    name whatever its case (shown as one of them typed it), with how many trainees typed it,
    most first."""
    return (
        TraineeProfile.objects.filter(organization__isnull=True)
        .exclude(unlisted_organization="")
        .annotate(key=Lower("unlisted_organization"))
        .values("key")
        .annotate(trainees=Count("pk"), name=Min("unlisted_organization"))
        .order_by("-trainees", "key")
    )
