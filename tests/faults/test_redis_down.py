"""With Redis killed, trainees and editors go on: writes commit, pages render, jobs wait."""

import pytest
import redis
from django.urls import reverse

from courses.models import LessonPage
from enrollments.models import Certificate, Enrollment, HourEntry, LessonProgress
from enrollments.services.certificates.issuing import certificate_request
from enrollments.services.progress import lesson_progress_start
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.courses.test_permissions import lesson_form
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def last_lesson_studied():
    """A trainee in a certified course who studied its one required lesson long enough."""
    course = ef.certified_course()
    lesson = tree.lesson(parent=course, min_study_minutes=10, is_required=True)
    trainee = people.trainee(full_name="李晓明")
    enrollment = ef.enrollment(course=course, user=trainee)
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=10 * 60)
    return trainee, enrollment, lesson


def test_the_last_lesson_marked_done_keeps_progress_hours_and_completion(
    faulty_redis, client, last_lesson_studied
):
    trainee, enrollment, lesson = last_lesson_studied
    client.force_login(trainee)
    faulty_redis.kill()

    response = client.post(reverse("enrollments:lesson_complete", args=[lesson.pk]))

    assert response.status_code == 302
    assert LessonProgress.objects.get(enrollment=enrollment).completed_at is not None
    assert HourEntry.objects.filter(enrollment=enrollment, lesson=lesson).count() == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.job_status == Certificate.JobStatus.PENDING
    assert certificate.last_enqueued_at is None
    assert certificate.queue_job_id == ""


def test_pages_render_and_the_trainee_stays_logged_in(faulty_redis, client, last_lesson_studied):
    trainee, enrollment, lesson = last_lesson_studied
    client.force_login(trainee)
    faulty_redis.kill()

    for url in (
        enrollment.course.url,
        lesson.url,
        reverse("enrollments:dashboard"),
        tree.catalog_page().url,
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.wsgi_request.user == trainee, url


def test_a_page_published_in_the_admin_with_redis_dead_is_live_and_indexed(faulty_redis, client):
    course = tree.course()
    lesson = tree.lesson(parent=course, title="接案")
    client.force_login(people.administrator())
    faulty_redis.kill()

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        lesson_form(
            title="Intake and assessment", slug=lesson.slug, **{"action-publish": "Publish"}
        ),
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live and lesson.title == "Intake and assessment"
    assert lesson.live_revision == lesson.get_latest_revision()
    assert client.get(lesson.url).status_code == 200
    # Wagtail's own tasks (here the search index) ran in the request, not on the dead queue.
    assert list(LessonPage.objects.live().search("assessment")) == [lesson]


def test_wagtails_tasks_never_reach_the_queue(faulty_redis, client):
    """Saving and publishing pages updates the search index in-process, with Redis up."""
    lesson = tree.lesson(parent=tree.course(), title="Confidentiality")

    assert list(LessonPage.objects.live().search("confidentiality")) == [lesson]
    assert redis.Redis.from_url(faulty_redis.url).keys("rq:*") == []


def test_a_refused_job_is_not_stamped_and_an_accepted_one_is(faulty_redis):
    accepted = certificate_request(enrollment_id=ef.completed_enrollment().pk)
    accepted.refresh_from_db()
    assert accepted.last_enqueued_at is not None
    assert accepted.queue_job_id == accepted.queue_job_key()
    assert redis.Redis.from_url(faulty_redis.url).exists(f"rq:job:{accepted.queue_job_id}")

    faulty_redis.kill()
    refused = certificate_request(
        enrollment_id=ef.completed_enrollment(user=people.trainee(), course=tree.course()).pk
    )

    refused.refresh_from_db()
    assert refused.job_status == Certificate.JobStatus.PENDING
    assert refused.last_enqueued_at is None
    assert refused.queue_job_id == ""
