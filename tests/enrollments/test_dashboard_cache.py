"""The trainee's dashboard is kept in the cache, and every change of what it shows is on
the next request."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.learner_version import learner_version
from academy.models import Organization
from academy.services import organization_map_unlisted
from enrollments.models import LessonProgress
from enrollments.selectors import dashboard as dashboard_module
from enrollments.services.accounts import account_merge
from enrollments.services.calendar_feed import calendar_feed_token_revoke
from enrollments.services.enrollment import enrollment_withdraw
from enrollments.services.progress import lesson_progress_beat, lesson_progress_complete
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("enrollments:dashboard")


@pytest.fixture
def learner(client):
    course = tree.course(title="社区工作方法")
    lessons = [tree.lesson(parent=course, min_study_minutes=0) for _ in range(2)]
    trainee = people.trainee(full_name="王小红")
    enrollment = ef.enrollment(course=course, user=trainee)
    client.force_login(trainee)
    client.cookies["academy_language"] = "en"
    return trainee, course, lessons, enrollment


def page(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_an_unchanged_dashboard_reads_nothing_but_the_visitor(client, learner):
    page(client)
    with CaptureQueriesContext(connection) as queries:
        page(client)

    tables = [query["sql"].split(" FROM ")[1].split()[0] for query in queries.captured_queries]
    assert tables == ['"academy_user"']


def test_a_lesson_done_and_hours_show_on_the_next_request(client, learner):
    trainee, _course, lessons, _enrollment = learner
    assert "0 of 2 lessons done" in page(client)

    lesson_progress_complete(lesson=lessons[0], user=trainee)
    shown = page(client)
    assert "1 of 2 lessons done" in shown
    total = f"<dt>In total</dt><dd>{lessons[0].class_hours}</dd>"
    assert total in shown

    ef.hour_entry(user=trainee, hours="7.5")
    assert f"<dt>In total</dt><dd>{lessons[0].class_hours + Decimal('7.5')}</dd>" in page(client)


def test_a_beat_changes_nothing_shown_and_keeps_the_cached_page(client, learner):
    trainee, _course, lessons, _enrollment = learner
    lesson_progress_beat(lesson=lessons[0], user=trainee)
    version = learner_version(user_id=trainee.pk)

    lesson_progress_beat(lesson=lessons[0], user=trainee, resume=True)

    assert learner_version(user_id=trainee.pk) == version


def test_a_withdrawal_and_a_new_enrolment_show_on_the_next_request(client, learner):
    trainee, course, _lessons, enrollment = learner
    assert "社区工作方法" in page(client)

    enrollment_withdraw(enrollment=enrollment, user=trainee)
    assert "社区工作方法" not in page(client)

    ef.enrollment(course=tree.course(title="个案管理"), user=trainee)
    assert "个案管理" in page(client)


def test_an_issued_certificate_shows_on_the_next_request(client, learner):
    trainee = learner[0]
    completed = ef.completed_enrollment(user=trainee)
    assert "Download PDF" not in page(client)

    ef.issued_certificate(enrollment=completed)

    assert "Download PDF" in page(client)


def test_the_calendar_link_follows_its_creation_and_revocation(client, learner):
    trainee = learner[0]
    assert "Create my calendar link" in page(client)
    client.post(reverse("enrollments:calendar_link_create"))
    assert "Turn the link off" in page(client)

    calendar_feed_token_revoke(user=trainee)

    assert "Create my calendar link" in page(client)


def test_an_attended_session_asks_for_its_evaluation_until_it_is_given(client, learner):
    _trainee, course, _lessons, enrollment = learner
    session = tree.session(course=course, title="小组督导", days_ahead=-1)
    assert "小组督导" not in page(client)

    ef.attendance(session=session, enrollment=enrollment)
    assert "小组督导" in page(client)

    ef.evaluation(enrollment=enrollment, session=session, ratings=(5, 5, 5, 5))
    assert "小组督导" not in page(client)


def test_a_changed_profile_and_a_renamed_course_show_on_the_next_request(client, learner):
    trainee, course, _lessons, _enrollment = learner
    reminder = "Add your registration date to your profile"
    assert reminder in page(client)

    profile = trainee.trainee_profile
    profile.registration_date = timezone.localdate() - timedelta(days=400)
    profile.save()
    assert reminder not in page(client)

    course.title = "社区工作方法（修订）"
    course.save_revision().publish()
    assert "社区工作方法（修订）" in page(client)


def test_organisations_move_every_trainees_version(learner):
    trainee = learner[0]
    profile = trainee.trainee_profile
    profile.organization = None
    profile.unlisted_organization = "阳光社工站"
    profile.save()
    versions = [learner_version(user_id=trainee.pk)]
    organization = Organization.objects.create(name="阳光社会工作服务中心")
    versions.append(learner_version(user_id=trainee.pk))

    organization_map_unlisted(name="阳光社工站", organization=organization)
    versions.append(learner_version(user_id=trainee.pk))
    organization.name = "阳光社工服务中心"
    organization.save()
    versions.append(learner_version(user_id=trainee.pk))

    assert len(set(versions)) == 4


def test_a_merge_shows_the_merged_accounts_courses_on_the_kept_one(client, learner):
    trainee = learner[0]
    other = people.trainee()
    ef.enrollment(course=tree.course(title="社会政策与法规"), user=other)
    assert "社会政策与法规" not in page(client)

    account_merge(kept=trainee, merged=other, actor=people.administrator())

    assert "社会政策与法规" in page(client)


def test_what_only_time_changes_shows_within_the_minute(client, learner, monkeypatch):
    _trainee, course, _lessons, _enrollment = learner
    soon = timezone.now() + timedelta(seconds=30)
    tree.session(
        course=course, title="即将结束的面授", starts_at=soon - timedelta(hours=2), ends_at=soon
    )
    assert "即将结束的面授" in page(client)

    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(dashboard_module.timezone, "now", lambda: later)
    monkeypatch.setattr(dashboard_module.time, "time", lambda: later.timestamp())

    assert "即将结束的面授" not in page(client)


def test_a_change_made_in_a_transaction_moves_the_version_again_when_it_commits(
    learner, django_capture_on_commit_callbacks
):
    trainee, _course, lessons, enrollment = learner
    before = learner_version(user_id=trainee.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        LessonProgress.objects.create(
            enrollment=enrollment, lesson=lessons[1], completed_at=timezone.now()
        )
        inside = learner_version(user_id=trainee.pk)
    after = learner_version(user_id=trainee.pk)

    assert len({before, inside, after}) == 3


def test_each_trainee_has_their_own_dashboard(client, learner):
    page(client)
    someone = people.trainee()
    ef.enrollment(course=tree.course(title="只属于别人的课程"), user=someone)
    client.force_login(someone)

    shown = page(client)
    assert "只属于别人的课程" in shown
    assert "社区工作方法" not in shown
