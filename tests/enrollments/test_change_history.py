"""The change history (变更记录): every write path of attendance marks, session locks, the
hours ledger, enrolment decisions and certificates leaves a version with who, when and
why; the session's and the trainee's history pages show it newest first, to the right
people only, read only, and export it."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enrollments.models import (
    Attendance,
    Certificate,
    Enrollment,
    HourEntry,
    SessionAttendanceState,
)
from enrollments.selectors.history import session_change_history, trainee_change_history
from enrollments.services.attendance import (
    attendance_roll_call_mark,
    session_attendance_lock,
    session_attendance_unlock,
)
from enrollments.services.attendance_import import (
    attendance_import,
    attendance_import_check,
    attendance_sheet_read,
)
from enrollments.services.certificates.issuing import certificate_issue
from enrollments.services.certificates.lifecycle import certificate_reissue, certificate_revoke
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.enrollment import (
    enrollment_admit_from_waitlist,
    enrollment_approve,
    enrollment_enrol,
    enrollment_reject,
    enrollment_withdraw,
)
from enrollments.services.external_training import external_training_approve
from enrollments.services.ledger import hour_entry_adjust, hour_entry_correct
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(taught_course):
    return tree.session(
        course=taught_course, title="小组工作实务", starts_at=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def enrolment(session, trainee_user):
    return ef.enrollment(course=session.course, user=trainee_user)


def _history_url(session):
    return reverse("attendance_admin:session_history", args=[session.pk])


def _export_url(session, file_format):
    return reverse("attendance_admin:session_history_export", args=[session.pk, file_format])


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_two_marks_and_a_lock_and_unlock_show_three_actors_and_their_times(
    client, session, enrolment, trainer_user, admin_user
):
    second_marker = admin_user
    locker = people.administrator(full_name="孙丽华")

    client.force_login(trainer_user)
    mark = reverse("attendance:mark", args=[session.pk])
    assert client.post(mark, {"enrollment": enrolment.pk, "status": "present"}).status_code == 302
    client.force_login(second_marker)
    assert client.post(mark, {"enrollment": enrolment.pk, "status": "late"}).status_code == 302
    client.force_login(locker)
    lock = reverse("attendance_admin:lock", args=[session.pk])
    assert client.post(lock, {"action": "lock"}).status_code == 302
    assert client.post(lock, {"action": "unlock"}).status_code == 302

    changes = session_change_history(session=session)
    assert [(change.actor, change.record, change.after) for change in changes] == [
        (locker.full_name, "考勤锁定", "考勤锁定: 已解锁"),
        (locker.full_name, "考勤锁定", "考勤锁定: 已锁定"),
        (second_marker.full_name, "考勤", "状态: 迟到; 计入学时: 1.5"),
        (trainer_user.full_name, "考勤", "状态: 出勤; 方式: 点名; 计入学时: 3.0"),
    ]
    assert changes[2].before == "状态: 出勤; 计入学时: 3.0"
    assert all(change.trainee == "李晓明" for change in changes[2:])
    times = [change.at for change in changes]
    assert times == sorted(times, reverse=True)
    assert times[-1] <= timezone.now()

    client.force_login(admin_user)
    page = client.get(_history_url(session))
    assert page.status_code == 200
    html = page.content.decode()
    for name in (trainer_user.full_name, second_marker.full_name, locker.full_name):
        assert name in html
    for change in changes:
        assert timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M:%S") in html
    assert html.index("已锁定 → 已解锁") < html.index("出勤 → 迟到")


def test_the_session_history_is_shown_to_its_trainers_and_hidden_from_others(
    client, session, enrolment, trainer_user
):
    ef.attendance(session=session, enrollment=enrolment, marked_by=trainer_user)
    client.force_login(trainer_user)
    assert client.get(_history_url(session)).status_code == 200
    assert client.get(_export_url(session, "csv")).status_code == 200

    other_trainer = people.trainer(full_name="周明")
    tree.course(trainers=[other_trainer])
    client.force_login(other_trainer)
    assert client.get(_history_url(session)).status_code == 404
    assert client.get(_export_url(session, "csv")).status_code == 404
    assert client.get(_export_url(session, "xlsx")).status_code == 404

    client.force_login(enrolment.user)
    assert client.get(_history_url(session)).status_code in (302, 403)


def test_the_trainee_history_is_for_administrators_only(client, trainee_user, trainer_user):
    url = reverse("enrollments_admin:trainee_history", args=[trainee_user.pk])
    export = reverse("enrollments_admin:trainee_history_export", args=[trainee_user.pk, "csv"])
    client.force_login(trainer_user)
    for refused in (client.get(url), client.get(export)):
        # Wagtail's admin answers a refusal by sending the user back to the dashboard.
        assert refused.status_code == 302
        assert refused.url == reverse("wagtailadmin_home")


def test_nobody_can_edit_or_delete_history_through_an_admin(client, admin_user):
    for model in (Attendance, SessionAttendanceState, HourEntry, Enrollment, Certificate):
        assert not admin.site.is_registered(model.history.model)
    client.force_login(admin_user)
    assert client.get("/django-admin/enrollments/historicalattendance/").status_code == 404


def test_the_session_export_holds_every_change_with_formula_text_neutralised(
    client, session, enrolment, trainer_user, admin_user
):
    trainer_user.full_name = "=cmd|' /C calc'!A0"
    trainer_user.save()
    ef.attendance(session=session, enrollment=enrolment, marked_by=trainer_user)
    ef.attendance(session=session, enrollment=enrolment, status="absent", marked_by=admin_user)
    session_attendance_lock(session=session, user=admin_user)
    client.force_login(admin_user)

    rows = _csv_rows(client.get(_export_url(session, "csv")))
    assert rows[0] == ["时间", "修改人", "学员", "记录", "涉及", "修改前", "修改后", "原因"]
    assert [row[1:5] for row in rows[1:]] == [
        ["王海燕", "", "考勤锁定", "小组工作实务"],
        ["王海燕", "李晓明", "考勤", "小组工作实务"],
        ["'=cmd|' /C calc'!A0", "李晓明", "考勤", "小组工作实务"],
    ]
    assert rows[2][6] == "状态: 缺勤; 计入学时: 0.0"

    response = client.get(_export_url(session, "xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 4
    assert values[3][1] == "=cmd|' /C calc'!A0"
    assert sheet.cell(row=4, column=2).data_type == "s"
    assert values[2][6] == "状态: 缺勤; 计入学时: 0.0"


def test_the_session_history_page_costs_the_same_queries_for_more_changes(
    client, session, admin_user, trainer_user
):
    client.force_login(admin_user)
    counts = []
    for _round in range(2):
        for _trainee in range(3):
            enrolment = ef.enrollment(course=session.course)
            ef.attendance(session=session, enrollment=enrolment, marked_by=trainer_user)
            ef.attendance(
                session=session, enrollment=enrolment, status="late", marked_by=admin_user
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_history_url(session)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unlocking_a_session_that_was_never_locked_records_nothing(session, admin_user):
    session_attendance_unlock(session=session, user=admin_user)
    assert session_change_history(session=session) == []


def test_a_mark_changed_to_a_status_worth_the_same_hours_is_in_the_history(
    session, enrolment, trainer_user
):
    attendance_roll_call_mark(
        session=session, enrollment_id=enrolment.pk, status="absent", user=trainer_user
    )
    attendance_roll_call_mark(
        session=session, enrollment_id=enrolment.pk, status="excused", user=trainer_user
    )
    changes = session_change_history(session=session)
    assert changes[0].before == "状态: 缺勤"
    assert changes[0].after == "状态: 请假"


def test_an_import_outside_a_request_records_the_administrator(admin_user, trainer_user):
    session = tree.session(
        kind="live_online", starts_at=timezone.now() - timedelta(hours=4), minutes=100
    )
    ef.enrollment(course=session.course, user=people.trainee(full_name="张三", phone="13800000001"))
    sheet = attendance_sheet_read(data="姓名,时长\n张三,95\n".encode())
    assert not attendance_import_check(session=session, sheet=sheet).errors
    attendance_import(session=session, sheet=sheet, user=admin_user)
    versions = Attendance.history.filter(session_id=session.pk)
    assert [version.history_user for version in versions] == [admin_user]


def test_every_enrolment_decision_records_its_actor_and_reason(admin_user, trainer_user):
    course = tree.course(trainers=[trainer_user], capacity=1, requires_approval=True)
    first, second, third = (people.trainee(full_name=name) for name in ("甲", "乙", "丙"))
    applied = enrollment_enrol(user=first, course=course)
    enrollment_approve(enrollment_id=applied.pk, actor=trainer_user)
    waiting = enrollment_enrol(user=second, course=course)
    rejected = enrollment_enrol(user=third, course=course)
    enrollment_reject(enrollment_id=rejected.pk, actor=admin_user, reason="不符合报名条件")
    enrollment_withdraw(enrollment=applied, user=first)

    def versions(enrollment):
        return [
            (version.status, version.history_user, version.history_change_reason)
            for version in Enrollment.history.filter(id=enrollment.pk).order_by("history_id")
        ]

    assert versions(applied) == [
        ("pending", first, None),
        ("active", trainer_user, None),
        ("withdrawn", first, None),
    ]
    assert versions(rejected) == [
        ("waitlisted", third, None),
        ("rejected", admin_user, "不符合报名条件"),
    ]
    assert versions(waiting)[-1] == (
        "pending",
        first,
        "候补名单递补：有空出的名额。",
    )


def test_completion_is_recorded_with_its_reason(session, enrolment):
    enrolment.status = Enrollment.Status.ACTIVE
    enrollment_completion_evaluate(enrollment_id=enrolment.pk)
    version = Enrollment.history.filter(id=enrolment.pk).order_by("history_id").last()
    assert version.status == "completed"
    assert version.history_user is None
    assert version.history_change_reason == "已满足课程的结业规则。"


def test_ledger_entries_record_who_added_them_and_why(trainee_user, admin_user):
    adjustment = hour_entry_adjust(
        user=trainee_user,
        hours=Decimal("2.0"),
        date=timezone.localdate(),
        description="补录线下讲座",
        actor=admin_user,
    )
    correction = hour_entry_correct(entry_id=adjustment.pk, actor=admin_user, reason="重复录入")
    training = ef.external_training(user=trainee_user)
    credit = external_training_approve(training_id=training.pk, actor=admin_user)
    for entry, reason in ((adjustment, "补录线下讲座"), (correction, "重复录入")):
        (version,) = HourEntry.history.filter(id=entry.pk)
        assert (version.history_type, version.history_user) == ("+", admin_user)
        assert version.history_change_reason == reason
    (version,) = HourEntry.history.filter(id=credit.pk)
    assert version.history_user == admin_user

    changes = trainee_change_history(user=trainee_user)
    assert [change.record for change in changes[:3]] == ["学时", "学时", "学时"]
    assert {change.reason for change in changes} >= {"补录线下讲座", "重复录入"}
    assert {change.actor for change in changes} == {"王海燕"}


def test_certificate_actions_record_actor_and_reason(admin_user):
    enrolment = ef.completed_enrollment()
    certificate_issue(enrollment_id=enrolment.pk)
    certificate = Certificate.objects.get(enrollment=enrolment)
    certificate_revoke(certificate_id=certificate.pk, actor=admin_user, reason="信息有误")
    certificate_reissue(certificate_id=certificate.pk, actor=admin_user, note="更正姓名")

    versions = list(Certificate.history.filter(id=certificate.pk).order_by("history_id"))
    issued = [version for version in versions if version.status == "issued"]
    assert issued and issued[0].history_user is None
    revoked = [version for version in versions if version.status == "revoked"]
    assert [(v.history_user, v.history_change_reason) for v in revoked[:1]] == [
        (admin_user, "信息有误")
    ]
    assert (versions[-1].history_user, versions[-1].history_change_reason) == (
        admin_user,
        "更正姓名",
    )

    changes = trainee_change_history(user=enrolment.user)
    certificate_changes = [change for change in changes if change.record == "证书"]
    assert certificate_changes[0].reason == "更正姓名"
    assert certificate_changes[1].reason == "信息有误"
    assert certificate_changes[1].after.startswith("状态: 已撤销")


def test_the_trainee_history_page_and_export_list_every_kind_of_record(
    client, session, enrolment, trainer_user, admin_user
):
    ef.attendance(session=session, enrollment=enrolment, marked_by=trainer_user)
    hour_entry_adjust(
        user=enrolment.user,
        hours=Decimal("1.0"),
        date=timezone.localdate(),
        description="=1+1",
        actor=admin_user,
    )
    client.force_login(admin_user)
    ledger = client.get(reverse("enrollments_admin:trainee_ledger", args=[enrolment.user.pk]))
    url = reverse("enrollments_admin:trainee_history", args=[enrolment.user.pk])
    assert url in ledger.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "陈立群" in page.content.decode()

    export = reverse("enrollments_admin:trainee_history_export", args=[enrolment.user.pk, "csv"])
    rows = _csv_rows(client.get(export))
    records = {row[3] for row in rows[1:]}
    assert records == {"报名", "考勤", "学时"}
    assert [row[7] for row in rows[1:] if row[7].startswith("'=")] == ["'=1+1"]


def test_a_mark_s_ledger_entries_record_the_marker_and_the_status(
    session, enrolment, trainer_user, admin_user
):
    ef.attendance(session=session, enrollment=enrolment, marked_by=trainer_user)
    ef.attendance(session=session, enrollment=enrolment, status="late", marked_by=admin_user)
    versions = HourEntry.history.filter(session_id=session.pk).order_by("history_id")
    assert [
        (version.hours, version.history_user, version.history_change_reason) for version in versions
    ] == [
        (Decimal("3.0"), trainer_user, "考勤：出勤"),
        (Decimal("-3.0"), admin_user, "考勤更正：迟到"),
        (Decimal("1.5"), admin_user, "考勤：迟到"),
    ]
    assert {version.history_type for version in versions} == {"+"}


def test_moving_a_trainee_off_the_waiting_list_records_the_administrator(admin_user):
    course = tree.course(capacity=1)
    enrollment_enrol(user=people.trainee(), course=course)
    waiting = enrollment_enrol(user=people.trainee(), course=course)
    course.capacity = 2
    course.save()
    enrollment_admit_from_waitlist(enrollment_id=waiting.pk, actor=admin_user)
    version = Enrollment.history.filter(id=waiting.pk).order_by("history_id").last()
    assert (version.status, version.history_user) == ("active", admin_user)


def test_the_admin_screens_link_to_the_histories(client, session, enrolment, admin_user):
    trainee_history = reverse("enrollments_admin:trainee_history", args=[enrolment.user_id])
    client.force_login(admin_user)
    inspect = client.get(reverse("learning_enrollments:inspect", args=[enrolment.pk]))
    assert trainee_history in inspect.content.decode()
    sessions = client.get(reverse("attendance_admin:sessions"))
    assert _history_url(session) in sessions.content.decode()
    roll_call = client.get(reverse("attendance:roll_call", args=[session.pk]))
    assert _history_url(session) in roll_call.content.decode()


def test_a_trainer_s_enrolment_screen_has_no_link_to_the_trainee_history(
    client, enrolment, trainer_user
):
    client.force_login(trainer_user)
    inspect = client.get(reverse("learning_enrollments:inspect", args=[enrolment.pk]))
    assert inspect.status_code == 200
    assert "/history/" not in inspect.content.decode()
