"""Builders for the course tree: each publishes the page it makes."""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from courses.models import (
    ClassSession,
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    LessonPage,
    Track,
)
from courses.roles import catalog_page_permissions_sync

_numbers = count(1)


def catalog_page() -> CourseCatalogPage:
    """The site's one catalogue, seeded with the site on first use."""
    from cms_pages.demo import seed_site

    if not CourseCatalogPage.objects.exists():
        seed_site()
    catalog_page_permissions_sync()
    return CourseCatalogPage.objects.get()


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def curriculum(
    *,
    parent: CourseCatalogPage | None = None,
    track: str = Track.NEWCOMER,
    code: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    **fields,
) -> CurriculumPage:
    number = next(_numbers)
    page = CurriculumPage(
        track=track,
        code=code or f"C{number}",
        slug=slug or f"curriculum-{number}",
        title=title or f"课程体系 {number}",
        **fields,
    )
    return _publish(parent or catalog_page(), page)


def _curriculum_for(*, track: str | None, code: str | None) -> CurriculumPage:
    """The curriculum with this code, made on first use: courses built with the same code
    share it (certificate serials are numbered per curriculum code)."""
    existing = CurriculumPage.objects.filter(code=code).first() if code else None
    if existing is None:
        return curriculum(track=track or Track.NEWCOMER, code=code)
    if track is not None and existing.track != track:
        raise ValueError(f"curriculum {code!r} exists with track {existing.track!r}, not {track!r}")
    return existing


def course(
    *,
    parent: CurriculumPage | None = None,
    track: str | None = None,
    code: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    trainers=(),
    sessions: int = 0,
    **fields,
) -> CoursePage:
    """A published course with ``sessions`` sessions a week ahead.

    Without ``parent`` it goes into a new curriculum of ``track`` (newcomer by default),
    or into the curriculum whose code is ``code``, made on first use.
    """
    if parent is None:
        parent = _curriculum_for(track=track, code=code)
    elif track is not None or code is not None:
        raise TypeError("give either parent or the curriculum's track and code")
    number = next(_numbers)
    fields.setdefault("summary", f"第 {number} 门课程的简介")
    fields.setdefault("delivery_mode", DeliveryMode.CLASSROOM)
    fields.setdefault("class_hours", Decimal("6.0"))
    page = CoursePage(title=title or f"课程 {number}", slug=slug or f"course-{number}", **fields)
    page.trainers.set(list(trainers))
    page = _publish(parent, page)
    for index in range(sessions):
        session(course=page, title=f"第 {index + 1} 次课")
    return page


def _new_course() -> CoursePage:
    return course()


def lesson(
    *, parent: CoursePage, slug: str | None = None, title: str | None = None, **fields
) -> LessonPage:
    number = next(_numbers)
    fields.setdefault("body", f"## 第 {number} 课\n\n课程内容。")
    fields.setdefault("sort_order", number)
    page = LessonPage(title=title or f"第 {number} 课", slug=slug or f"lesson-{number}", **fields)
    return _publish(parent, page)


def session(
    *,
    course: CoursePage | None = None,
    title: str = "面授课",
    starts_at: datetime | None = None,
    days_ahead: int = 7,
    minutes: int = 180,
    hours: Decimal | str = Decimal("3.0"),
    **fields,
) -> ClassSession:
    """A classroom session of ``minutes`` crediting ``hours``; it starts at ``starts_at``,
    else ``days_ahead`` days from now, on the minute. Without ``course`` it gets its own."""
    if starts_at is None:
        now = timezone.now().replace(second=0, microsecond=0)
        starts_at = now + timedelta(days=days_ahead)
    fields.setdefault("kind", ClassSession.Kind.CLASSROOM)
    fields.setdefault("place", "社会工作服务大楼 301 教室")
    fields.setdefault("ends_at", starts_at + timedelta(minutes=minutes))
    return ClassSession.objects.create(
        course=course or _new_course(),
        title=title,
        starts_at=starts_at,
        class_hours=Decimal(str(hours)),
        **fields,
    )
