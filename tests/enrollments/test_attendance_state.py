"""A session's attendance lock lives outside its course page's revisions: publishing a
revision, or approving a draft, written before the lock never unlocks the session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.errors import RuleViolation
from enrollments.models import Attendance, SessionAttendanceState
from enrollments.selectors.attendance import session_attendance_locked_at
from enrollments.services.attendance import (
    attendance_roll_call_mark,
    session_attendance_lock,
    session_attendance_unlock,
)
from tests.courses import factories as tree
from tests.courses.test_permissions import course_form, edit_url
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(taught_course):
    return tree.session(course=taught_course, starts_at=timezone.now() - timedelta(hours=1))


def assert_locked(session, trainer):
    assert session_attendance_locked_at(session_id=session.pk) is not None
    enrollment = ef.enrollment(course=session.course)
    with pytest.raises(RuleViolation) as refused:
        attendance_roll_call_mark(
            session=session,
            enrollment_id=enrollment.pk,
            status=Attendance.Status.PRESENT,
            user=trainer,
        )
    assert refused.value.code == "attendance_locked"


def test_publishing_a_revision_from_before_the_lock_leaves_the_session_locked(
    session, trainer_user, admin_user
):
    course = session.course
    before_lock = course.save_revision(user=trainer_user)
    assert "attendance_locked_at" not in before_lock.content["sessions"][0]

    state = session_attendance_lock(session=session, user=admin_user)
    locked_at = state.locked_at
    before_lock.publish(user=admin_user)

    session.refresh_from_db()
    assert session.course.live_revision_id == before_lock.pk
    assert SessionAttendanceState.objects.get(session=session).locked_at == locked_at
    assert_locked(session, trainer_user)


def test_approving_a_draft_submitted_before_the_lock_leaves_the_session_locked(
    client, session, trainer_user, admin_user
):
    course = session.course
    client.force_login(trainer_user)
    data = course_form(course)
    data["title"] = "个案工作入门（修订）"
    data["action-submit"] = "Submit"
    assert client.post(edit_url(course), data).status_code == 302

    session_attendance_lock(session=session, user=admin_user)
    course.refresh_from_db()
    client.force_login(admin_user)
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[course.pk, "approve", course.current_workflow_task_state.pk],
    )
    assert client.post(approve, {"comment": ""}).status_code == 302

    course.refresh_from_db()
    assert course.title == "个案工作入门（修订）"
    assert list(course.sessions.values_list("pk", flat=True)) == [session.pk]
    assert_locked(session, trainer_user)


def test_publishing_a_revision_from_a_locked_time_leaves_an_unlocked_session_open(
    session, trainer_user, admin_user
):
    session_attendance_lock(session=session, user=admin_user)
    while_locked = session.course.save_revision(user=admin_user)
    session_attendance_unlock(session=session, user=admin_user)

    while_locked.publish(user=admin_user)

    assert session_attendance_locked_at(session_id=session.pk) is None
    enrollment = ef.enrollment(course=session.course)
    attendance_roll_call_mark(
        session=session,
        enrollment_id=enrollment.pk,
        status=Attendance.Status.PRESENT,
        user=trainer_user,
    )
    assert Attendance.objects.filter(session=session).count() == 1


def test_locking_twice_keeps_the_first_time_and_who_locked(session, admin_user):
    first = session_attendance_lock(session=session, user=admin_user)
    again = session_attendance_lock(session=session, user=admin_user)

    assert again.locked_at == first.locked_at
    assert again.locked_by == admin_user
    assert SessionAttendanceState.objects.filter(session=session).count() == 1

    session_attendance_unlock(session=session, user=admin_user)
    state = SessionAttendanceState.objects.get(session=session)
    assert state.locked_at is None and state.locked_by is None


@pytest.mark.parametrize(
    ("role", "url_name", "lock_mark"),
    [
        ("trainer", "attendance:sessions", 'class="badge"'),
        ("admin", "attendance_admin:sessions", 'value="unlock"'),
    ],
)
def test_session_lists_show_the_lock_without_a_query_per_session(
    client, trainer_user, admin_user, django_assert_max_num_queries, role, url_name, lock_mark
):
    course = tree.course(trainers=[trainer_user])
    hours_ago = iter(range(1, 100))

    def add_sessions(count):
        """``count`` locked and ``count`` open sessions that have started."""
        for _ in range(count):
            started = timezone.now() - timedelta(hours=next(hours_ago))
            locked = tree.session(course=course, starts_at=started)
            session_attendance_lock(session=locked, user=admin_user)
            tree.session(course=course, starts_at=started)

    client.force_login(trainer_user if role == "trainer" else admin_user)
    url = reverse(url_name)
    add_sessions(1)
    # The admin menu reads the user's roles once (academy.roles.user_role_names).
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).text.count(lock_mark) == 1
    add_sessions(9)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).text.count(lock_mark) == 10
