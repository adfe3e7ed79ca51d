from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, Track
from enrollments.models import Enrollment, HourEntry
from tests.academy import factories


def curriculum(*, code="n", track=Track.NEWCOMER, slug=None):
    from cms_pages.demo import seed_site

    seed_site()
    catalog = CourseCatalogPage.objects.get()
    existing = CurriculumPage.objects.filter(code=code).first()
    if existing:
        return existing
    page = CurriculumPage(title=f"体系{code}", slug=slug or f"track-{code}", track=track, code=code)
    catalog.add_child(instance=page)
    return page


def course(*, title="社会工作伦理与价值观", code="n", track=Track.NEWCOMER):
    parent = curriculum(code=code, track=track)
    page = CoursePage(
        title=title,
        slug=f"course-{CoursePage.objects.count() + 1}",
        summary="概要",
        delivery_mode="online",
        class_hours=Decimal("12"),
    )
    parent.add_child(instance=page)
    return page


def completed_enrollment(*, user=None, course_page=None, hours=Decimal("12.5"), year=2026):
    user = user or factories.trainee(full_name="李晓明")
    course_page = course_page or course()
    completed_at = datetime(year, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    enrollment = Enrollment.objects.create(
        user=user, course=course_page, status=Enrollment.Status.COMPLETED, completed_at=completed_at
    )
    HourEntry.objects.create(
        user=user,
        enrollment=enrollment,
        course=course_page,
        source=HourEntry.Source.ONLINE_LESSON,
        hours=hours,
        date=timezone.localdate(completed_at),
    )
    return enrollment
