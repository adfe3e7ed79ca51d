import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enrollments.models import Enrollment, HourEntry, LessonProgress
from enrollments.selectors.progress import (
    ALREADY_DONE,
    NOT_ENROLLED,
    TOO_SOON,
    lesson_completion_refusal,
    lesson_time_cap_seconds,
)
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.progress import (
    BEAT_MAX_SECONDS,
    lesson_progress_beat,
    lesson_progress_complete,
    lesson_progress_start,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_lesson():
    course = tree.course()
    lesson = tree.lesson(parent=course, estimated_minutes=30, min_study_minutes=10)
    return course, lesson


@pytest.fixture
def enrolled(course_with_lesson):
    course, lesson = course_with_lesson
    trainee = factories.trainee()
    enrollment = ef.enrollment(course=course, user=trainee)
    return trainee, enrollment, lesson


def test_opening_a_lesson_records_that_it_was_started(enrolled):
    trainee, enrollment, lesson = enrolled

    progress = lesson_progress_start(lesson=lesson, user=trainee)

    assert progress.enrollment == enrollment
    assert progress.started_at is not None
    assert lesson_progress_start(lesson=lesson, user=trainee).pk == progress.pk


def test_not_enrolled_visitor_records_nothing(course_with_lesson):
    _course, lesson = course_with_lesson
    assert lesson_progress_start(lesson=lesson, user=factories.trainee()) is None
    assert not LessonProgress.objects.exists()


def test_beat_credits_elapsed_time_capped_per_beat(enrolled):
    trainee, _enrollment, lesson = enrolled
    start = timezone.now()
    lesson_progress_start(lesson=lesson, user=trainee, now=start)

    progress = lesson_progress_beat(lesson=lesson, user=trainee, now=start + timedelta(seconds=30))
    assert progress.seconds_on_task == 30

    # A tab left alone for an hour earns one beat's cap, not an hour.
    progress = lesson_progress_beat(
        lesson=lesson, user=trainee, now=start + timedelta(seconds=30, hours=1)
    )
    assert progress.seconds_on_task == 30 + BEAT_MAX_SECONDS


def test_resume_beat_credits_no_hidden_time(enrolled):
    trainee, _enrollment, lesson = enrolled
    start = timezone.now()
    lesson_progress_start(lesson=lesson, user=trainee, now=start)

    progress = lesson_progress_beat(
        lesson=lesson, user=trainee, resume=True, now=start + timedelta(minutes=20)
    )
    assert progress.seconds_on_task == 0
    progress = lesson_progress_beat(
        lesson=lesson, user=trainee, now=start + timedelta(minutes=20, seconds=30)
    )
    assert progress.seconds_on_task == 30


def test_time_on_a_lesson_never_exceeds_its_cap(enrolled):
    trainee, _enrollment, lesson = enrolled
    cap = lesson_time_cap_seconds(lesson=lesson)
    assert cap == 60 * 60  # twice 30 estimated minutes
    moment = timezone.now()
    lesson_progress_start(lesson=lesson, user=trainee, now=moment)
    for _ in range(cap // 30 + 20):
        moment += timedelta(seconds=30)
        progress = lesson_progress_beat(lesson=lesson, user=trainee, now=moment)

    assert progress.seconds_on_task == cap


def test_out_of_order_beat_credits_nothing(enrolled):
    trainee, _enrollment, lesson = enrolled
    start = timezone.now()
    lesson_progress_start(lesson=lesson, user=trainee, now=start)

    progress = lesson_progress_beat(lesson=lesson, user=trainee, now=start - timedelta(seconds=40))

    assert progress.seconds_on_task == 0


def test_beat_without_enrolment_is_refused(course_with_lesson):
    _course, lesson = course_with_lesson
    with pytest.raises(PermissionDenied):
        lesson_progress_beat(lesson=lesson, user=factories.trainee())


def test_marking_done_before_the_minimum_time_is_refused(enrolled):
    trainee, _enrollment, lesson = enrolled
    lesson_progress_start(lesson=lesson, user=trainee)

    with pytest.raises(ValidationError) as too_soon:
        lesson_progress_complete(lesson=lesson, user=trainee)

    assert too_soon.value.code == "too_soon"
    assert not HourEntry.objects.exists()
    assert LessonProgress.objects.get().completed_at is None


def test_done_credits_the_lessons_hours_once_and_completes_the_course(
    enrolled, django_capture_on_commit_callbacks
):
    trainee, enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=10 * 60)
    with (
        mock.patch("enrollments.services.completion.certificate_request") as request,
        django_capture_on_commit_callbacks(execute=True),
    ):
        lesson_progress_complete(lesson=lesson, user=trainee)
        lesson_progress_complete(lesson=lesson, user=trainee)

    entry = HourEntry.objects.get()
    assert entry.source == HourEntry.Source.ONLINE_LESSON
    assert entry.hours == Decimal("1.0")
    assert entry.enrollment == enrollment
    assert entry.recorded_by == trainee
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    request.assert_called_once_with(enrollment_id=enrollment.pk)


def test_ledger_refuses_a_second_online_credit_for_the_same_lesson(enrolled):
    from django.db import IntegrityError, transaction

    trainee, enrollment, lesson = enrolled
    values = {
        "user": trainee,
        "source": HourEntry.Source.ONLINE_LESSON,
        "hours": Decimal("1.0"),
        "enrollment": enrollment,
        "lesson": lesson,
    }
    HourEntry.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        HourEntry.objects.create(**values)


def test_hour_entries_are_append_only(enrolled):
    trainee, _enrollment, _lesson = enrolled
    entry = HourEntry.objects.create(
        user=trainee, source=HourEntry.Source.ADJUSTMENT, hours=Decimal("1.0")
    )
    entry.hours = Decimal("5.0")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks and concurrent transactions need PostgreSQL; SQLite serialises writers.",
)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_completion_happens_once_when_two_events_race():
    course = tree.course()
    trainee = factories.trainee()
    enrollment = ef.enrollment(course=course, user=trainee)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(enrollment_completion_evaluate(enrollment_id=enrollment.pk))
        finally:
            connection.close()

    with mock.patch("enrollments.services.completion.certificate_request") as request:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(results) == [False, True]
    request.assert_called_once_with(enrollment_id=enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


# Views


def test_beat_view_records_time_for_the_visitor(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    client.force_login(trainee)
    lesson_progress_start(lesson=lesson, user=trainee, now=timezone.now() - timedelta(seconds=30))

    response = client.post(reverse("enrollments:lesson_beat", args=[lesson.pk]))

    assert response.status_code == 200
    assert 25 <= response.json()["seconds_on_task"] <= BEAT_MAX_SECONDS


def test_beat_view_refuses_a_lesson_of_a_course_the_visitor_is_not_in(client, enrolled):
    _trainee, _enrollment, lesson = enrolled
    intruder = factories.trainee()
    client.force_login(intruder)

    response = client.post(reverse("enrollments:lesson_beat", args=[lesson.pk]))

    assert response.status_code == 403
    assert not LessonProgress.objects.filter(enrollment__user=intruder).exists()


def test_complete_view_refuses_too_early_with_a_message(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    client.force_login(trainee)
    client.cookies["academy_language"] = "en"

    response = client.post(reverse("enrollments:lesson_complete", args=[lesson.pk]), follow=True)

    assert "Study this lesson for at least 10 minutes" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_complete_view_marks_done(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=600)
    client.force_login(trainee)

    client.post(reverse("enrollments:lesson_complete", args=[lesson.pk]))

    assert LessonProgress.objects.get().completed_at is not None
    assert HourEntry.objects.filter(user=trainee).count() == 1


def test_complete_view_cannot_touch_another_trainees_progress(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=600)
    client.force_login(factories.trainee())

    client.post(reverse("enrollments:lesson_complete", args=[lesson.pk]))

    assert LessonProgress.objects.get().completed_at is None
    assert not HourEntry.objects.exists()


def test_lesson_page_records_start_and_shows_progress(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    client.force_login(trainee)
    client.cookies["academy_language"] = "en"

    page = client.get(lesson.url).content.decode()

    assert LessonProgress.objects.filter(enrollment__user=trainee, lesson=lesson).exists()
    assert 'id="progress"' in page
    assert "Mark as done" in page
    assert reverse("enrollments:lesson_beat", args=[lesson.pk]) in page


def test_not_enrolled_and_anonymous_visitors_see_no_progress_and_record_nothing(client, enrolled):
    _trainee, _enrollment, lesson = enrolled
    client.cookies["academy_language"] = "en"

    anonymous_page = client.get(lesson.url).content.decode()
    client.force_login(factories.trainee())
    stranger_page = client.get(lesson.url).content.decode()

    for page in (anonymous_page, stranger_page):
        assert '<section id="progress"' in page
        assert "Mark as done" not in page
        assert reverse("enrollments:lesson_beat", args=[lesson.pk]) not in page
    assert not LessonProgress.objects.exists()


def test_a_lesson_the_visitor_may_not_view_is_not_recorded_as_opened(client, enrolled):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    trainee, _enrollment, lesson = enrolled
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="结业学员")])
    client.force_login(trainee)

    response = client.get(lesson.url)

    assert response.status_code == 302
    assert not LessonProgress.objects.exists()


# The one rule for "may this lesson be marked done", in the three places that use it.


def test_completion_rule_codes(enrolled):
    trainee, _enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)

    assert lesson_completion_refusal(lesson=lesson, progress=None) == NOT_ENROLLED
    progress.seconds_on_task = 10 * 60 - 1
    assert lesson_completion_refusal(lesson=lesson, progress=progress) == TOO_SOON
    progress.seconds_on_task = 10 * 60
    assert lesson_completion_refusal(lesson=lesson, progress=progress) is None
    progress.enrollment.status = Enrollment.Status.WITHDRAWN
    assert lesson_completion_refusal(lesson=lesson, progress=progress) == NOT_ENROLLED
    progress.enrollment.status = Enrollment.Status.COMPLETED
    assert lesson_completion_refusal(lesson=lesson, progress=progress) is None
    progress.completed_at = timezone.now()
    assert lesson_completion_refusal(lesson=lesson, progress=progress) == ALREADY_DONE


def _page_and_beat_say_can_complete(client, lesson) -> tuple[bool, bool]:
    page = client.get(lesson.url)
    # A resume beat credits no time, so asking changes nothing.
    beat = client.post(reverse("enrollments:lesson_beat", args=[lesson.pk]), {"resume": "1"})
    assert beat.status_code == 200
    return page.context["lesson_can_complete"], beat.json()["can_complete"]


@pytest.mark.parametrize(
    ("seconds", "allowed"), [(10 * 60 - 1, False), (10 * 60, True)], ids=["short", "enough"]
)
def test_page_beat_and_service_agree_on_the_minimum_time(client, enrolled, seconds, allowed):
    trainee, _enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=seconds)
    client.force_login(trainee)

    assert _page_and_beat_say_can_complete(client, lesson) == (allowed, allowed)
    if allowed:
        assert lesson_progress_complete(lesson=lesson, user=trainee).completed_at is not None
    else:
        with pytest.raises(ValidationError):
            lesson_progress_complete(lesson=lesson, user=trainee)
        assert LessonProgress.objects.get().completed_at is None


def test_page_beat_and_service_agree_once_the_lesson_is_done(client, enrolled):
    trainee, _enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=10 * 60)
    lesson_progress_complete(lesson=lesson, user=trainee)
    client.force_login(trainee)

    assert _page_and_beat_say_can_complete(client, lesson) == (False, False)
    lesson_progress_complete(lesson=lesson, user=trainee)
    assert HourEntry.objects.filter(user=trainee).count() == 1


def test_page_beat_and_service_refuse_after_withdrawal(client, enrolled):
    trainee, enrollment, lesson = enrolled
    progress = lesson_progress_start(lesson=lesson, user=trainee)
    LessonProgress.objects.filter(pk=progress.pk).update(seconds_on_task=10 * 60)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    client.force_login(trainee)
    client.cookies["academy_language"] = "en"

    page = client.get(lesson.url)
    beat = client.post(reverse("enrollments:lesson_beat", args=[lesson.pk]), {"resume": "1"})

    assert page.context["lesson_can_complete"] is False
    assert "Mark as done" not in page.content.decode()
    assert beat.status_code == 403
    with pytest.raises(PermissionDenied):
        lesson_progress_complete(lesson=lesson, user=trainee)
    assert not HourEntry.objects.exists()
