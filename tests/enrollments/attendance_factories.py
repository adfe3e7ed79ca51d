"""Courses, sessions and enrolments for the attendance tests."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from courses.models import ClassSession, CoursePage, CurriculumPage
from enrollments.models import Enrollment
from tests.academy import factories

_sequence = count(1)


def curriculum():
    from cms_pages.demo import seed_site
    from courses.models import CourseCatalogPage

    seed_site()
    catalog = CourseCatalogPage.objects.get()
    existing = CurriculumPage.objects.filter(code="att-newcomer").first()
    if existing:
        return existing
    page = CurriculumPage(
        title="新人培育", slug="att-newcomer", code="att-newcomer", track="newcomer"
    )
    catalog.add_child(instance=page)
    return page


def course(*, trainers=(), title=None, **fields) -> CoursePage:
    number = next(_sequence)
    page = CoursePage(
        title=title or f"社区矫正专题{number}",
        slug=f"att-course-{number}",
        summary="课程简介",
        delivery_mode="classroom",
        class_hours=Decimal("6"),
        **fields,
    )
    curriculum().add_child(instance=page)
    if trainers:
        page.trainers.set(trainers)
        page.save()
    return page


def session(*, course_page=None, starts_at=None, hours="3", minutes=180, **fields) -> ClassSession:
    course_page = course_page or course()
    starts_at = starts_at or timezone.now().replace(second=0, microsecond=0)
    return ClassSession.objects.create(
        course=course_page,
        title=fields.pop("title", "第一讲"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        place=fields.pop("place", "社会工作服务大楼 301 室"),
        class_hours=Decimal(hours),
        **fields,
    )


def enrollment(*, course_page, user=None, status=Enrollment.Status.ACTIVE, **user_fields):
    user = user or factories.trainee(**user_fields)
    return Enrollment.objects.create(user=user, course=course_page, status=status)
