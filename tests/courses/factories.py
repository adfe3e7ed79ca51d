"""Builders for the course tree: each publishes the page it makes."""

from datetime import timedelta
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
    from cms_pages.demo import seed_site

    seed_site()
    catalog_page_permissions_sync()
    return CourseCatalogPage.objects.get()


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def curriculum(*, parent=None, track=Track.NEWCOMER, **fields) -> CurriculumPage:
    number = next(_numbers)
    fields.setdefault("title", f"课程体系 {number}")
    fields.setdefault("slug", f"curriculum-{number}")
    fields.setdefault("code", f"C{number}")
    return _publish(parent or catalog_page(), CurriculumPage(track=track, **fields))


def course(*, parent=None, trainers=(), sessions=0, **fields) -> CoursePage:
    number = next(_numbers)
    fields.setdefault("title", f"课程 {number}")
    fields.setdefault("slug", f"course-{number}")
    fields.setdefault("summary", f"第 {number} 门课程的简介")
    fields.setdefault("delivery_mode", DeliveryMode.CLASSROOM)
    fields.setdefault("class_hours", Decimal("6.0"))
    page = CoursePage(**fields)
    page.trainers.set(list(trainers))
    page = _publish(parent or curriculum(), page)
    for index in range(sessions):
        session(course=page, title=f"第 {index + 1} 次课")
    return page


def lesson(*, parent, **fields) -> LessonPage:
    number = next(_numbers)
    fields.setdefault("title", f"第 {number} 课")
    fields.setdefault("slug", f"lesson-{number}")
    fields.setdefault("body", f"## 第 {number} 课\n\n课程内容。")
    fields.setdefault("sort_order", number)
    return _publish(parent, LessonPage(**fields))


def session(*, course, days_ahead=7, **fields) -> ClassSession:
    starts_at = timezone.now() + timedelta(days=days_ahead)
    fields.setdefault("title", "面授课")
    fields.setdefault("kind", ClassSession.Kind.CLASSROOM)
    fields.setdefault("place", "社会工作服务大楼 301 教室")
    fields.setdefault("class_hours", Decimal("3.0"))
    fields.setdefault("starts_at", starts_at)
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=3))
    return ClassSession.objects.create(course=course, **fields)
