"""Merging two accounts of one person: every related row moves, nothing is lost, the
constraints hold, and the merge is recorded."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from academy.errors import RuleViolation
from enrollments.models import (
    AccountMerge,
    Attendance,
    Certificate,
    Enrollment,
    ExternalTraining,
    HourEntry,
    LessonProgress,
    TraineeMonthFigures,
)
from enrollments.selectors.accounts import account_merge_preview, user_relations
from enrollments.services.accounts import RELATION_HANDLERS, account_merge
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as records

pytestmark = pytest.mark.django_db


def _hours(user) -> Decimal:
    return HourEntry.objects.filter(user=user).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def test_every_relation_to_the_user_model_has_a_rule():
    labels = {
        f"{relation.related_model._meta.label}.{relation.field.name}"
        for relation in user_relations()
    }
    assert labels == set(RELATION_HANDLERS)
    assert "enrollments.HourEntry.user" in labels
    assert "enrollments.CheckinCodeAttempt.user" in labels


def test_a_merge_moves_enrolments_hours_attendance_and_certificates(admin_user):
    kept = people.trainee(full_name="周海", email="", phone="13500000001")
    merged = people.trainee(full_name="周海", email="zhouhai@example.com", phone="")
    session = tree.session(days_ahead=-2)
    classroom = records.enrollment(course=session.course, user=merged)
    records.attendance(session=session, enrollment=classroom)
    certificate = records.issued_certificate(enrollment=records.completed_enrollment(user=merged))
    serial = certificate.serial_number
    training = records.external_training(user=merged)
    records.hour_entry(user=kept, hours="2")
    merged_hours = _hours(merged)
    total = _hours(kept) + merged_hours

    audit = account_merge(kept=kept, merged=merged, actor=admin_user)

    assert _hours(kept) == total
    assert _hours(merged) == 0
    assert not Enrollment.objects.filter(user=merged).exists()
    assert Enrollment.objects.filter(user=kept).count() == 2
    assert Attendance.objects.get(session=session).enrollment.user == kept
    certificate.refresh_from_db()
    assert certificate.enrollment.user == kept
    assert certificate.serial_number == serial
    assert ExternalTraining.objects.get(pk=training.pk).user == kept
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert not merged.is_active
    assert kept.email == "zhouhai@example.com"
    assert merged.email == ""
    assert audit.actor == admin_user and audit.kept == kept and audit.merged == merged
    assert audit.counts["enrollments.Enrollment.user"] == 2
    assert (
        audit.counts["enrollments.HourEntry.user"]
        == HourEntry.objects.filter(user=kept).count() - 1
    )


def test_two_enrolments_in_one_course_keep_the_better_and_lose_no_hours(admin_user):
    kept = people.trainee(full_name="吴敏")
    merged = people.trainee(full_name="吴敏")
    course = tree.course()
    first, second, shared = (tree.session(course=course, days_ahead=-day) for day in (3, 2, 1))
    lesson = tree.lesson(parent=course)
    active = records.enrollment(course=course, user=kept)
    completed = records.enrollment(course=course, user=merged, status=Enrollment.Status.COMPLETED)
    records.attendance(session=first, enrollment=active)
    records.attendance(session=shared, enrollment=active)
    records.attendance(session=second, enrollment=completed)
    records.attendance(session=shared, enrollment=completed)
    records.lesson_progress(enrollment=completed, lesson=lesson)
    records.hour_entry(user=merged, hours="1.5", enrollment=completed, lesson=lesson, course=course)

    account_merge(kept=kept, merged=merged, actor=admin_user)

    active.refresh_from_db()
    assert active.status == Enrollment.Status.COMPLETED
    assert Enrollment.objects.filter(user=kept, course=course).count() == 1
    sessions = set(active.attendances.values_list("session_id", flat=True))
    assert sessions == {first.pk, second.pk, shared.pk}
    assert Attendance.objects.filter(session=shared).count() == 1
    assert LessonProgress.objects.get(lesson=lesson).enrollment == active
    # Three sessions of 3 hours and the lesson; the shared session is counted once.
    assert _hours(kept) == Decimal("10.5")
    assert HourEntry.objects.filter(enrollment=active).aggregate(t=Sum("hours"))["t"] == Decimal(
        "10.5"
    )


def test_a_merge_refuses_the_same_account_and_an_account_merged_before(admin_user):
    kept = people.trainee()
    merged = people.trainee()
    with pytest.raises(RuleViolation):
        account_merge(kept=kept, merged=kept, actor=admin_user)
    account_merge(kept=kept, merged=merged, actor=admin_user)
    with pytest.raises(RuleViolation) as refused:
        account_merge(kept=kept, merged=merged, actor=admin_user)
    assert refused.value.code == "merged_inactive"
    assert AccountMerge.objects.count() == 1


def test_a_failed_merge_changes_nothing(admin_user, monkeypatch):
    kept = people.trainee()
    merged = people.trainee()
    records.hour_entry(user=merged, hours="4")

    def broken(relation, kept, merged, counts):
        raise RuntimeError("disk full")

    monkeypatch.setitem(RELATION_HANDLERS, "admin.LogEntry.user", broken)
    with pytest.raises(RuntimeError):
        account_merge(kept=kept, merged=merged, actor=admin_user)

    assert _hours(merged) == Decimal("4")
    merged.refresh_from_db()
    assert merged.is_active
    assert not AccountMerge.objects.exists()


def test_the_admin_screen_previews_then_merges(client, admin_user):
    kept = people.trainee(full_name="郑红", phone="13500000011")
    merged = people.trainee(full_name="郑红", phone="13500000012")
    records.hour_entry(user=merged, hours="2")
    client.force_login(admin_user)
    url = reverse("enrollments_admin:account_merge")
    accounts = {"kept": kept.phone, "merged": merged.phone}

    preview = client.post(url, accounts)

    assert preview.status_code == 200
    rows = {row.label: row.rows for row in preview.context["preview"].rows}
    assert rows["enrollments.HourEntry.user"] == 1
    merged.refresh_from_db()
    assert merged.is_active

    done = client.post(url, {**accounts, "confirm": "1"}, follow=True)

    assert done.status_code == 200
    assert _hours(kept) == Decimal("2")
    merge = AccountMerge.objects.get()
    assert merge.actor == admin_user
    assert "郑红" in done.content.decode()
    assert list(done.context["merges"]) == [merge]


def test_the_preview_counts_what_the_merge_moves(admin_user):
    kept = people.trainee()
    merged = people.trainee()
    records.external_training(user=merged)
    preview = account_merge_preview(kept=kept, merged=merged)
    expected = {row.label: row.rows for row in preview.rows}

    audit = account_merge(kept=kept, merged=merged, actor=admin_user)

    for label in ("enrollments.ExternalTraining.user", "enrollments.HourEntry.user"):
        assert audit.counts.get(label, 0) == expected.get(label, 0)


def test_only_administrators_may_merge_accounts(client, trainer_user):
    kept = people.trainee()
    merged = people.trainee()
    client.force_login(trainer_user)

    response = client.post(
        reverse("enrollments_admin:account_merge"),
        {"kept": kept.username, "merged": merged.username, "confirm": "1"},
    )

    assert response.status_code in (302, 403)
    merged.refresh_from_db()
    assert merged.is_active
    assert not AccountMerge.objects.exists()


def test_two_certificates_in_one_course_both_keep_their_serial_numbers(admin_user):
    kept = people.trainee(full_name="冯军")
    merged = people.trainee(full_name="冯军")
    course = records.certified_course()
    first = records.issued_certificate(
        enrollment=records.completed_enrollment(user=kept, course=course)
    )
    second = records.issued_certificate(
        enrollment=records.completed_enrollment(user=merged, course=course)
    )
    hours = _hours(kept) + _hours(merged)

    audit = account_merge(kept=kept, merged=merged, actor=admin_user)

    after = {row.pk: row for row in Certificate.objects.select_related("enrollment")}
    assert after[first.pk].serial_number == first.serial_number
    assert after[second.pk].serial_number == second.serial_number
    assert after[first.pk].enrollment.user == kept
    assert after[second.pk].status == Certificate.Status.ISSUED
    assert Enrollment.objects.filter(user=kept, course=course).count() == 1
    assert audit.counts["enrollments.Enrollment (left on the merged account)"] == 1
    # Both completed the same course: its hours are counted once for the kept account.
    assert _hours(kept) + _hours(merged) == hours


def test_monthly_figures_add_up(admin_user):
    kept = people.trainee()
    merged = people.trainee()
    march, april = date(2026, 3, 1), date(2026, 4, 1)
    TraineeMonthFigures.objects.create(user=kept, month=march, marks=2, hours_online=3)
    TraineeMonthFigures.objects.create(user=merged, month=march, marks=1, hours_online=1)
    TraineeMonthFigures.objects.create(user=merged, month=april, marks=4)

    account_merge(kept=kept, merged=merged, actor=admin_user)

    figures = {row.month: row for row in TraineeMonthFigures.objects.filter(user=kept)}
    assert (figures[march].marks, figures[march].hours_online) == (3, 4)
    assert figures[april].marks == 4
    assert not TraineeMonthFigures.objects.filter(user=merged).exists()


def test_a_merge_moves_notices_keeps_the_kept_choices_drops_the_calendar_link_and_history(
    admin_user,
):
    from enrollments.models import (
        CalendarFeedToken,
        Notification,
        NotificationChannel,
        NotificationKind,
        NotificationPreference,
    )
    from enrollments.services.calendar_feed import calendar_feed_token_create
    from enrollments.services.notifications.sending import notification_send

    kept = people.trainee(full_name="钱梅", phone="13500000011")
    merged = people.trainee(full_name="钱梅", phone="13500000012")
    reminder = {"kind": NotificationKind.SESSION_REMINDER, "title": "明天上课", "body": "9:00"}
    notification_send(recipient=kept, key="session-reminder:1", **reminder)
    notification_send(recipient=merged, key="session-reminder:1", **reminder)
    notification_send(recipient=merged, key="session-reminder:2", **reminder)
    sms = {"kind": NotificationKind.SESSION_REMINDER, "channel": NotificationChannel.SMS}
    NotificationPreference.objects.create(user=kept, enabled=True, **sms)
    NotificationPreference.objects.create(user=merged, enabled=False, **sms)
    calendar_feed_token_create(user=merged)
    session = tree.session(days_ahead=-1)
    enrolment = records.enrollment(course=session.course, user=merged)
    mark = records.attendance(session=session, enrollment=enrolment)
    versions_before = list(mark.history.values_list("history_id", "enrollment_id"))

    account_merge(kept=kept, merged=merged, actor=admin_user)

    assert sorted(Notification.objects.filter(recipient=kept).values_list("key", flat=True)) == [
        "session-reminder:1",
        "session-reminder:2",
    ]
    assert not Notification.objects.filter(recipient=merged).exists()
    assert NotificationPreference.objects.get(user=kept, **sms).enabled is True
    assert not CalendarFeedToken.objects.filter(user=merged).exists()
    assert list(mark.history.values_list("history_id", "enrollment_id")) == versions_before


def _exam_attempt(*, exam, user, number, status="marked"):
    from django.utils import timezone

    from enrollments.models import ExamAttempt

    return ExamAttempt.objects.create(
        exam=exam,
        user=user,
        number=number,
        seed=number,
        status=status,
        started_at=timezone.now(),
        total_points=100,
    )


def test_a_merge_moves_exam_attempts_numbered_after_the_kept_ones_and_the_wrong_answers(
    admin_user,
):
    from django.utils import timezone

    from courses.models import Exam, Question, QuestionBank
    from enrollments.models import ExamAttempt, WrongAnswer

    kept = people.trainee(full_name="吴越", email="", phone="13500000011")
    merged = people.trainee(full_name="吴越", email="wuyue@example.com", phone="")
    bank = QuestionBank.objects.create(name="综合能力")
    exam = Exam.objects.create(course=tree.course(), title="模拟考试", bank=bank)
    _exam_attempt(exam=exam, user=kept, number=1)
    _exam_attempt(exam=exam, user=merged, number=1)
    _exam_attempt(exam=exam, user=merged, number=2, status="in_progress")
    shared = Question.objects.create(bank=bank, question_type="true_false", stem="甲")
    only_merged = Question.objects.create(bank=bank, question_type="true_false", stem="乙")
    for user, question in ((kept, shared), (merged, shared), (merged, only_merged)):
        WrongAnswer.objects.create(user=user, question=question, last_wrong_at=timezone.now())

    account_merge(kept=kept, merged=merged, actor=admin_user)

    numbers = sorted(ExamAttempt.objects.filter(user=kept).values_list("number", "status"))
    assert numbers == [(1, "marked"), (2, "marked"), (3, "in_progress")]
    assert not ExamAttempt.objects.filter(user=merged).exists()
    assert set(WrongAnswer.objects.filter(user=kept).values_list("question", flat=True)) == {
        shared.pk,
        only_merged.pk,
    }


def test_a_merge_waits_while_both_accounts_are_taking_the_same_exam(admin_user):
    from courses.models import Exam, QuestionBank
    from enrollments.models import ExamAttempt

    kept = people.trainee(full_name="郑好", email="", phone="13500000012")
    merged = people.trainee(full_name="郑好", email="zhenghao@example.com", phone="")
    exam = Exam.objects.create(
        course=tree.course(), title="模拟考试", bank=QuestionBank.objects.create(name="实务")
    )
    _exam_attempt(exam=exam, user=kept, number=1, status="in_progress")
    _exam_attempt(exam=exam, user=merged, number=1, status="in_progress")

    with pytest.raises(RuleViolation) as refused:
        account_merge(kept=kept, merged=merged, actor=admin_user)

    assert refused.value.code == "exam_attempt_in_progress"
    assert ExamAttempt.objects.filter(user=merged).count() == 1
    assert merged.is_active
