from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.query import PageQuerySet

from .models import (
    ClassSession,
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    LessonPage,
)

CATALOG_PAGE_SIZE = 20
SEARCH_RESULT_LIMIT = 500
LESSON_IMAGE_FILTER = "max-1200x1200"


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


def page_parent_path(page: Page) -> str:
    """The tree path of the page's parent: finds it without loading the parent."""
    return page.path[: -Page.steplen] if page.path else ""


def course_card_queryset(*, now=None) -> PageQuerySet:
    """Live public courses with what a course card shows, in one query plus trainers."""
    now = now or timezone.now()
    upcoming = ClassSession.objects.filter(course=OuterRef("pk"), starts_at__gte=now)
    return (
        CoursePage.objects.live()
        .public()
        .annotate(
            next_session_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
            has_upcoming_sessions=Exists(upcoming),
        )
        .prefetch_related("trainers")
        .order_by("path")
    )


def course_open_q(*, now) -> Q:
    return (Q(enrollment_opens_at__isnull=True) | Q(enrollment_opens_at__lte=now)) & (
        Q(enrollment_closes_at__isnull=True) | Q(enrollment_closes_at__gt=now)
    )


def course_search_paths(*, catalog: CourseCatalogPage, query: str) -> tuple[set[int], set[str]]:
    """Courses whose title or summary match, and the paths of courses whose lessons match.

    Wagtail search ranks words; Chinese text has no spaces between words, so a
    substring match on the same fields is added to it.
    """
    courses = CoursePage.objects.live().descendant_of(catalog)
    lessons = LessonPage.objects.live().descendant_of(catalog)
    course_ids = {page.pk for page in courses.search(query)[:SEARCH_RESULT_LIMIT]}
    course_ids.update(
        courses.filter(Q(title__icontains=query) | Q(summary__icontains=query)).values_list(
            "pk", flat=True
        )[:SEARCH_RESULT_LIMIT]
    )
    lesson_paths = {lesson.path for lesson in lessons.search(query)[:SEARCH_RESULT_LIMIT]}
    lesson_paths.update(
        lessons.filter(Q(title__icontains=query) | Q(body__icontains=query)).values_list(
            "path", flat=True
        )[:SEARCH_RESULT_LIMIT]
    )
    return course_ids, {path[: -Page.steplen] for path in lesson_paths}


def _attach_curricula(courses, curricula: list[CurriculumPage]) -> None:
    by_path = {curriculum.path: curriculum for curriculum in curricula}
    for course in courses:
        course.curriculum_page = by_path.get(page_parent_path(course))


def catalog_course_page(
    *,
    catalog: CourseCatalogPage,
    curricula: list[CurriculumPage],
    track: str = "",
    delivery_mode: str = "",
    open_only: bool = False,
    upcoming_only: bool = False,
    query: str = "",
    page_number=1,
    now=None,
) -> PaginatorPage:
    """One page of catalogue courses matching the filters, in a fixed number of queries."""
    now = now or timezone.now()
    courses = course_card_queryset(now=now).descendant_of(catalog)
    if track:
        paths = [curriculum.path for curriculum in curricula if curriculum.track == track]
        track_q = Q(pk__in=[])
        for path in paths:
            track_q |= Q(path__startswith=path)
        courses = courses.filter(track_q)
    if delivery_mode:
        courses = courses.filter(delivery_mode=delivery_mode)
    if open_only:
        courses = courses.filter(course_open_q(now=now))
    if upcoming_only:
        courses = courses.filter(has_upcoming_sessions=True)
    if query:
        course_ids, course_paths = course_search_paths(catalog=catalog, query=query)
        courses = courses.filter(Q(pk__in=course_ids) | Q(path__in=course_paths))
    paginated = Paginator(courses, CATALOG_PAGE_SIZE).get_page(page_number)
    _attach_curricula(paginated.object_list, curricula)
    return paginated


def course_lesson_list(*, course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.live().public().child_of(course).order_by("sort_order", "path"))


def course_session_list(*, course: CoursePage) -> list[ClassSession]:
    return list(course.sessions.select_related("trainer").order_by("starts_at", "pk"))


def lesson_image_urls(*, lesson: LessonPage) -> dict[str, str]:
    """``{"1": url, ...}``: the lesson's images by position, as web-sized rendition URLs."""
    Image = get_image_model()
    renditions = Image.get_rendition_model().objects.filter(filter_spec=LESSON_IMAGE_FILTER)
    links = lesson.images.select_related("image").prefetch_related(
        Prefetch("image__renditions", queryset=renditions)
    )
    return {
        str(position): link.image.get_rendition(LESSON_IMAGE_FILTER).url
        for position, link in enumerate(links, start=1)
    }


def course_calendar_sessions(*, course_id: int) -> tuple[CoursePage | None, list[ClassSession]]:
    """A live, public course and its sessions, for the calendar feed."""
    course = CoursePage.objects.live().public().filter(pk=course_id).first()
    if course is None:
        return None, []
    return course, course_session_list(course=course)
