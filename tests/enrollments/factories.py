"""Course pages and enrolment records for the enrolment tests."""

from decimal import Decimal

from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, LessonPage
from enrollments.models import Enrollment


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def curriculum():
    """The test curriculum, created on first use under the seeded catalogue."""
    existing = CurriculumPage.objects.filter(code="test").first()
    if existing:
        return existing
    from cms_pages.demo import seed_site

    seed_site()
    catalog = CourseCatalogPage.objects.get()
    return _publish(
        catalog, CurriculumPage(title="测试课程体系", slug="test-track", track="topic", code="test")
    )


_counter = {"course": 0, "lesson": 0}


def course(**fields) -> CoursePage:
    _counter["course"] += 1
    number = _counter["course"]
    values = {
        "title": f"课程 {number}",
        "slug": f"course-{number}",
        "summary": "课程简介",
        "delivery_mode": "online",
        "class_hours": Decimal("3.0"),
    }
    values.update(fields)
    return _publish(curriculum(), CoursePage(**values))


def lesson(parent: CoursePage, **fields) -> LessonPage:
    _counter["lesson"] += 1
    number = _counter["lesson"]
    values = {
        "title": f"第 {number} 课",
        "slug": f"lesson-{number}",
        "class_hours": Decimal("1.0"),
        "estimated_minutes": 30,
        "min_study_minutes": 10,
    }
    values.update(fields)
    return _publish(parent, LessonPage(**values))


def enrollment(user, course_page, status=Enrollment.Status.ACTIVE, **fields) -> Enrollment:
    return Enrollment.objects.create(user=user, course=course_page, status=status, **fields)
