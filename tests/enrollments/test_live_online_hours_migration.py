"""Hours booked as classroom hours for live online sessions are re-booked as online hours
by appended reversals and new entries; no row changes and every total stays."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from courses.models import ClassSession
from tests.academy import factories
from tests.courses import factories as tree
from tests.migrations import latest, migrate

BEFORE = [("enrollments", "0017_change_history")]
AFTER = [("enrollments", "0018_live_online_hours_import_minutes")]
CLASSROOM = "classroom_session"
LIVE = "live_online_session"


def _totals(HourEntry) -> dict:
    return dict(
        HourEntry.objects.values("user_id")
        .annotate(total=Sum("hours"))
        .values_list("user_id", "total")
    )


def _net(HourEntry, **where) -> Decimal:
    return HourEntry.objects.filter(**where).aggregate(net=Sum("hours"))["net"] or Decimal("0")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_live_online_credits_are_rebooked_and_every_total_kept():
    course = tree.course()
    yesterday = timezone.now() - timedelta(days=1)
    live = tree.session(
        course=course,
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.dingtalk.com/j/abc",
        starts_at=yesterday,
    )
    classroom = tree.session(course=course, starts_at=yesterday)
    first, second = factories.trainee(), factories.trainee()
    try:
        old = migrate(BEFORE)
        OldEntry = old.get_model("enrollments", "HourEntry")
        Enrollment = old.get_model("enrollments", "Enrollment")
        one = Enrollment.objects.create(user_id=first.pk, course_id=course.pk, status="active")
        two = Enrollment.objects.create(user_id=second.pk, course_id=course.pk, status="active")
        day = timezone.localdate(yesterday)

        def entry(enrollment, hours, session, **fields):
            return OldEntry.objects.create(
                user_id=enrollment.user_id,
                enrollment_id=enrollment.pk,
                course_id=course.pk,
                session_id=session.pk,
                source=CLASSROOM,
                hours=Decimal(hours),
                date=day,
                description="出勤：出席",
                **fields,
            )

        # The first trainee was marked present, then corrected to left early.
        marked = entry(one, "3.0", live)
        entry(one, "-3.0", live, corrects=marked)
        live_credit = entry(one, "1.5", live)
        entry(one, "3.0", classroom)
        second_credit = entry(two, "3.0", live)
        OldEntry.objects.create(user_id=second.pk, source="online_lesson", hours=2, date=day)
        before = {row.pk: (row.source, row.hours) for row in OldEntry.objects.all()}
        totals = _totals(OldEntry)

        new = migrate(AFTER)
        NewEntry = new.get_model("enrollments", "HourEntry")

        assert _totals(NewEntry) == totals == {first.pk: Decimal("4.5"), second.pk: Decimal("5")}
        unchanged = {
            row.pk: (row.source, row.hours) for row in NewEntry.objects.filter(pk__in=before)
        }
        assert unchanged == before
        assert NewEntry.objects.count() == len(before) + 4
        reversals = NewEntry.objects.filter(corrects_id__in=[live_credit.pk, second_credit.pk])
        assert sorted((r.corrects_id, r.source, r.hours) for r in reversals) == [
            (live_credit.pk, CLASSROOM, Decimal("-1.5")),
            (second_credit.pk, CLASSROOM, Decimal("-3.0")),
        ]
        assert _net(NewEntry, session_id=live.pk, source=CLASSROOM) == 0
        assert _net(NewEntry, enrollment_id=one.pk, session_id=live.pk, source=LIVE) == Decimal(
            "1.5"
        )
        assert _net(NewEntry, enrollment_id=two.pk, session_id=live.pk, source=LIVE) == Decimal(
            "3.0"
        )
        assert _net(NewEntry, session_id=classroom.pk, source=CLASSROOM) == Decimal("3.0")
        assert not NewEntry.objects.filter(session_id=classroom.pk, source=LIVE).exists()
        assert NewEntry.objects.get(source=LIVE, enrollment_id=two.pk).description == "出勤：出席"

        old = migrate(BEFORE)
        OldEntry = old.get_model("enrollments", "HourEntry")
        assert _totals(OldEntry) == totals
        assert _net(OldEntry, session_id=live.pk, source=LIVE) == 0
        assert _net(OldEntry, session_id=live.pk, source=CLASSROOM) == Decimal("4.5")
    finally:
        migrate(latest())
