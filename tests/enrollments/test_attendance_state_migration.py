"""The locks move from the sessions into their own rows, and back on the way down."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.courses import factories as tree
from tests.migrations import latest, migrate

BEFORE = [("enrollments", "0009_job_queue_id"), ("courses", "0003_lesson_help_and_http_links")]
AFTER = [
    ("enrollments", "0010_session_attendance_state"),
    ("courses", "0004_remove_classsession_attendance_locked_at"),
]
LOCKED_AT = datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_locks_move_to_their_own_rows_and_back():
    course = tree.course()
    locked, also_locked, open_session = (tree.session(course=course) for _ in range(3))
    try:
        old = migrate(BEFORE)
        OldSession = old.get_model("courses", "ClassSession")
        OldSession.objects.filter(pk=locked.pk).update(attendance_locked_at=LOCKED_AT)
        OldSession.objects.filter(pk=also_locked.pk).update(
            attendance_locked_at=LOCKED_AT.replace(day=21)
        )
        OldRule = old.get_model("enrollments", "AttendanceRule")
        site_id = old.get_model("wagtailcore", "Site").objects.get(is_default_site=True).pk
        OldRule.objects.update_or_create(site_id=site_id, defaults={"checkin_opens_minutes": 45})

        new = migrate(AFTER)
        State = new.get_model("enrollments", "SessionAttendanceState")
        assert dict(State.objects.values_list("session_id", "locked_at")) == {
            locked.pk: LOCKED_AT,
            also_locked.pk: LOCKED_AT.replace(day=21),
        }
        assert not State.objects.filter(session_id=open_session.pk).exists()
        NewSession = new.get_model("courses", "ClassSession")
        assert "attendance_locked_at" not in {f.name for f in NewSession._meta.get_fields()}
        NewRule = new.get_model("enrollments", "AttendanceRule")
        assert NewRule.objects.get(site_id=site_id).attendance_opens_minutes == 45

        old = migrate(BEFORE)
        OldSession = old.get_model("courses", "ClassSession")
        assert dict(
            OldSession.objects.filter(course_id=course.pk).values_list("pk", "attendance_locked_at")
        ) == {
            locked.pk: LOCKED_AT,
            also_locked.pk: LOCKED_AT.replace(day=21),
            open_session.pk: None,
        }
        OldRule = old.get_model("enrollments", "AttendanceRule")
        assert OldRule.objects.get(site_id=site_id).checkin_opens_minutes == 45
    finally:
        migrate(latest())
