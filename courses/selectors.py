from django.utils import timezone

from .models import ClassSession, CurriculumPage


def curriculum_featured_list(*, home_page) -> list[CurriculumPage]:
    """The curricula an editor featured on the home page, live ones only, in order."""
    page_ids = list(
        home_page.featured_pages.order_by("sort_order").values_list("page_id", flat=True)
    )
    by_id = CurriculumPage.objects.live().public().in_bulk(page_ids)
    return [by_id[page_id] for page_id in page_ids if page_id in by_id]


def session_upcoming_list(*, limit: int, now=None):
    """The next sessions of live courses, soonest first."""
    now = now or timezone.now()
    return list(
        ClassSession.objects.filter(ends_at__gte=now, course__live=True)
        .select_related("course")
        .order_by("starts_at", "pk")[:limit]
    )
