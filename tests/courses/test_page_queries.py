"""Course and lesson pages issue a fixed number of queries however many children they have."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images.tests.utils import get_test_image_file

from courses.models import LessonAttachment, LessonImage
from enrollments.models import LessonProgress
from tests.academy import factories as people
from tests.courses import factories
from tests.enrollments import factories as enrolment

# Most queries a page may issue, warm: the shared parts come from the caches.
SIGNED_IN_BUDGET = 12
ANONYMOUS_BUDGET = 8


def count_queries(client, url) -> int:
    client.get(url)  # warm caches: site root paths, renditions, rendered Markdown
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_course(course, lesson, trainer, number):
    from wagtail.images import get_image_model

    Document = get_document_model()
    Image = get_image_model()
    for _index in range(number):
        factories.lesson(parent=course)
        factories.session(course=course, trainer=trainer)
        document = Document.objects.create(
            title="讲义", file=ContentFile(b"%PDF-1.4 handout", name="handout.pdf")
        )
        LessonAttachment.objects.create(lesson=lesson, document=document)
        image = Image.objects.create(title="插图", file=get_test_image_file())
        LessonImage.objects.create(lesson=lesson, image=image)
    body = "\n\n".join(f"![图 {position}](image:{position})" for position in range(1, 51))
    lesson.body = f"## 插图\n\n{body}"
    lesson.save_revision().publish()


@pytest.mark.django_db
def test_course_and_lesson_pages_issue_the_same_queries_for_5_and_50_children(client):
    trainer = people.trainer()
    course = factories.course(trainers=[trainer, people.trainer()])
    lesson = factories.lesson(parent=course, sort_order=0)

    grow_course(course, lesson, trainer, 5)
    course_counts = {5: count_queries(client, course.url)}
    lesson_counts = {5: count_queries(client, lesson.url)}
    grow_course(course, lesson, trainer, 45)
    course_counts[50] = count_queries(client, course.url)
    lesson_counts[50] = count_queries(client, lesson.url)

    assert course_counts[5] == course_counts[50], course_counts
    assert lesson_counts[5] == lesson_counts[50], lesson_counts
    assert course_counts[50] <= ANONYMOUS_BUDGET
    assert lesson_counts[50] <= ANONYMOUS_BUDGET
    response = client.get(lesson.url)
    assert response.content.decode().count('<img alt="图') == 50
    assert len(response.context["course_lessons"]) == 51
    assert len(client.get(course.url).context["sessions"]) == 50


@pytest.mark.django_db
def test_the_visitors_enrolment_and_progress_cost_a_fixed_number_of_queries(client):
    course = factories.course(trainers=[people.trainer()], sessions=2)
    lesson = factories.lesson(parent=course, min_study_minutes=10)
    for _index in range(3):
        enrolment.enrollment(course=course, user=people.trainee())
    counts = {"anonymous": (count_queries(client, course.url), count_queries(client, lesson.url))}
    client.force_login(people.trainee())
    counts["not enrolled"] = (count_queries(client, course.url), count_queries(client, lesson.url))
    trainee = people.trainee()
    enrolment.enrollment(course=course, user=trainee)
    client.force_login(trainee)
    counts["enrolled"] = (count_queries(client, course.url), count_queries(client, lesson.url))

    assert LessonProgress.objects.filter(enrollment__user=trainee, lesson=lesson).exists()
    # (course page, lesson page) at most, with the visitor's part from enrollments' tags.
    limits = {
        "anonymous": (ANONYMOUS_BUDGET, ANONYMOUS_BUDGET),
        "not enrolled": (SIGNED_IN_BUDGET, SIGNED_IN_BUDGET),
        "enrolled": (SIGNED_IN_BUDGET, SIGNED_IN_BUDGET),
    }
    for visitor, (course_queries, lesson_queries) in counts.items():
        assert course_queries <= limits[visitor][0], counts
        assert lesson_queries <= limits[visitor][1], counts


def grow_trainee(trainee, number):
    """``number`` more courses for the trainee: lessons, sessions, progress, attendance,
    a completion with its hours, notices."""
    from courses.models import CourseCatalogPage
    from enrollments.models import Enrollment, Notification, NotificationKind

    trainer = people.trainer()
    for index in range(number):
        course = factories.course(trainers=[trainer], sessions=2)
        lessons = [factories.lesson(parent=course) for _lesson in range(3)]
        past = factories.session(course=course, days_ahead=-7)
        active = enrolment.enrollment(course=course, user=trainee)
        enrolment.lesson_progress(enrollment=active, lesson=lessons[0])
        enrolment.attendance(enrollment=active, session=past)
        done = enrolment.completed_enrollment(user=trainee)
        enrolment.enrollment(course=factories.course(), user=trainee, status="pending")
        Notification.objects.create(
            recipient=trainee,
            kind=NotificationKind.values[0],
            title="已通过",
            key=f"budget-{course.pk}-{index}",
        )
        assert done.status == Enrollment.Status.COMPLETED
    return CourseCatalogPage.objects.get()


@pytest.mark.django_db
def test_the_pages_stay_within_their_query_budgets_at_two_sizes(client):
    trainee = people.trainee()
    catalog = grow_trainee(trainee, 1)
    course = factories.course(trainers=[people.trainer()], sessions=2)
    lesson = factories.lesson(parent=course)
    enrolment.enrollment(course=course, user=trainee)
    pages = {
        "catalogue": catalog.url,
        "course": course.url,
        "lesson": lesson.url,
        "dashboard": reverse("enrollments:dashboard"),
    }

    def measure() -> dict:
        client.logout()
        counts = {
            f"{name} anonymous": count_queries(client, url)
            for name, url in pages.items()
            if name != "dashboard"
        }
        client.force_login(trainee)
        counts.update({name: count_queries(client, url) for name, url in pages.items()})
        return counts

    small = measure()
    grow_trainee(trainee, 6)
    for _index in range(5):
        factories.lesson(parent=course)
    large = measure()

    assert small == large, (small, large)
    for name, queries in large.items():
        budget = ANONYMOUS_BUDGET if name.endswith("anonymous") else SIGNED_IN_BUDGET
        assert queries <= budget, large
