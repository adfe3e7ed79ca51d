from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from academy.errors import RuleViolation
from courses.models import ClassSession
from enrollments.models import Attendance, AttendanceRule, HourEntry
from enrollments.services.attendance_import import (
    attendance_duration_seconds,
    attendance_import,
    attendance_import_check,
    attendance_sheet_read,
)
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

S = Attendance.Status
FIXTURES = Path(__file__).parent / "fixtures"
MEETING_START = datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PEOPLE = [
    ("张三", "13700000001"),
    ("李四", "13700000002"),
    ("王五", "13700000003"),
]


def _course_with(people, **session_fields):
    course = tree.course()
    session = tree.session(
        course=course,
        kind=ClassSession.Kind.LIVE_ONLINE,
        place="",
        meeting_url="https://meeting.tencent.com/dm/abc",
        **session_fields,
    )
    enrollments = {
        phone: ef.enrollment(course=course, user=factories.trainee(full_name=name, phone=phone))
        for name, phone in people
    }
    return session, enrollments


@pytest.fixture
def online():
    return _course_with(
        PEOPLE, minutes=100, hours="2", starts_at=timezone.now() - timedelta(days=1)
    )


@pytest.fixture
def meeting():
    """The session of the sample exports: 20 November 2026, 14:00 to 16:00, 2 hours."""
    people = [*PEOPLE, ("陈静", "13700000004"), ("陈静", "13700000005")]
    return _course_with(people, minutes=120, hours="2", starts_at=MEETING_START)


def run(session, data: bytes, user, **options):
    return attendance_import(
        session=session, sheet=attendance_sheet_read(data=data), user=user, **options
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def marks() -> dict[str, Attendance]:
    return {
        a.enrollment.user.phone: a for a in Attendance.objects.select_related("enrollment__user")
    }


GOOD = "姓名,手机,时长\n张三,,95\n,13700000002,60\n王五,,10\n"
BAD = "name,phone,minutes\n张三,,95\n不存在,,50\n,13799999999,50\n李四,,abc\n张三,,20\n"


def test_clean_file_is_imported_with_statuses_by_minutes(online, admin_user):
    session, _people = online

    result = run(session, GOOD.encode("utf-8-sig"), admin_user)

    assert result.errors == []
    assert result.written == 3
    by_phone = marks()
    assert by_phone["13700000001"].status == S.PRESENT
    assert by_phone["13700000001"].minutes_attended == 95
    assert by_phone["13700000002"].status == S.LEFT_EARLY
    assert by_phone["13700000003"].status == S.ABSENT
    assert all(a.method == Attendance.Method.IMPORT for a in by_phone.values())
    assert sum(e.hours for e in HourEntry.objects.all()) == 3


def test_any_bad_row_writes_nothing_and_every_row_is_reported(online, admin_user):
    session, _people = online

    result = run(session, BAD.encode(), admin_user)

    assert [line for line, _reason in result.errors] == [3, 4, 5]
    assert result.written == 0
    assert not Attendance.objects.exists()
    assert not HourEntry.objects.exists()


def test_only_good_rows_when_asked_and_a_second_row_is_a_rejoin(online, admin_user):
    session, _people = online

    result = run(session, BAD.encode(), admin_user, only_good_rows=True)

    assert result.written == 1
    mark = Attendance.objects.get()
    assert mark.enrollment.user.full_name == "张三"
    assert mark.minutes_attended == 115
    assert result.rows[0].lines == [2, 6]


def test_gb18030_file_is_read(online, admin_user):
    session, _people = online
    result = run(session, GOOD.encode("gb18030"), admin_user)
    assert result.written == 3


def test_tencent_meeting_xlsx_sums_rejoins(meeting, admin_user, django_assert_max_num_queries):
    session, people = meeting
    sheet = attendance_sheet_read(data=fixture("tencent_meeting_participants.xlsx"))

    with django_assert_max_num_queries(6):
        checked = attendance_import_check(session=session, sheet=sheet)
    result = attendance_import(session=session, sheet=sheet, user=admin_user)

    assert checked.is_clean
    assert result.written == 3
    by_phone = marks()
    zhang = by_phone["13700000001"]
    assert (zhang.minutes_attended, zhang.status) == (113, S.PRESENT)
    assert next(r for r in result.rows if r.enrollment == people["13700000001"]).lines == [6, 8]
    # Joined twenty minutes late and stayed: late.
    assert (by_phone["13700000002"].minutes_attended, by_phone["13700000002"].status) == (
        100,
        S.LATE,
    )
    # "+86 137-0000-0003" and "70分钟".
    assert (by_phone["13700000003"].minutes_attended, by_phone["13700000003"].status) == (
        70,
        S.LEFT_EARLY,
    )
    entries = HourEntry.objects.filter(session=session)
    assert {e.source for e in entries} == {HourEntry.Source.LIVE_ONLINE_SESSION}
    assert entries.aggregate(total=Sum("hours"))["total"] == 4


def test_dingtalk_csv_reports_every_bad_row_and_shows_the_shared_name(meeting, admin_user):
    session, people = meeting

    result = run(session, fixture("dingtalk_attendance_utf8_bom.csv"), admin_user)

    assert result.written == 0
    assert not Attendance.objects.exists()
    assert not HourEntry.objects.exists()
    assert [line for line, _reason in result.errors] == [5, 6]
    assert "13799999999" in result.errors[0][1]
    assert "约半小时" in result.errors[1][1]
    (shared,) = result.ambiguous
    assert (shared.name, shared.lines, shared.minutes) == ("陈静", [3, 4], 108)
    assert {e.pk for e in shared.candidates} == {
        people["13700000004"].pk,
        people["13700000005"].pk,
    }
    assert [row.enrollment for row in result.rows] == [people["13700000001"]]


def test_a_chosen_name_still_writes_nothing_while_rows_are_bad(meeting, admin_user):
    session, people = meeting
    chosen = {"陈静": people["13700000005"].pk}

    kept = run(session, fixture("dingtalk_attendance_utf8_bom.csv"), admin_user, choices=chosen)
    assert kept.written == 0 and kept.ambiguous == []
    assert not Attendance.objects.exists()

    result = run(
        session,
        fixture("dingtalk_attendance_utf8_bom.csv"),
        admin_user,
        choices=chosen,
        only_good_rows=True,
    )

    assert result.written == 2
    by_phone = marks()
    assert set(by_phone) == {"13700000001", "13700000005"}
    assert (by_phone["13700000005"].minutes_attended, by_phone["13700000005"].status) == (
        108,
        S.PRESENT,
    )


def test_good_rows_leave_an_unchosen_name_unwritten(meeting, admin_user):
    session, _people = meeting

    result = run(
        session, fixture("dingtalk_attendance_utf8_bom.csv"), admin_user, only_good_rows=True
    )

    assert result.written == 1
    assert set(marks()) == {"13700000001"}


def test_a_choice_outside_the_candidates_is_no_choice(meeting, admin_user):
    session, people = meeting
    result = run(
        session,
        fixture("dingtalk_attendance_utf8_bom.csv"),
        admin_user,
        choices={"陈静": people["13700000001"].pk},
    )
    assert [a.name for a in result.ambiguous] == ["陈静"]


def test_dingtalk_gb18030_csv_with_times_of_day_and_plain_minutes(meeting, admin_user):
    session, _people = meeting

    result = run(session, fixture("dingtalk_attendance_gb18030.csv"), admin_user)

    assert result.errors == []
    by_phone = marks()
    assert (by_phone["13700000002"].minutes_attended, by_phone["13700000002"].status) == (
        80,
        S.LEFT_EARLY,
    )
    assert (by_phone["13700000003"].minutes_attended, by_phone["13700000003"].status) == (
        40,
        S.ABSENT,
    )


def test_join_and_leave_times_give_the_duration_when_there_is_none(meeting, admin_user):
    session, _people = meeting
    data = "用户昵称,电话,首次入会时间,最后退会时间\n张三,13700000001,14:05,15:55\n"

    result = run(session, data.encode(), admin_user)

    assert result.written == 1
    assert marks()["13700000001"].minutes_attended == 110


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("01:02:03", 3723),
        ("0:58:50", 3530),
        ("62", 3720),
        ("62.5", 3750),
        ("62分钟", 3720),
        ("62 分钟", 3720),
        ("1小时2分钟", 3720),
        ("1小时2分3秒", 3723),
        ("45 min", 2700),
        ("一小时", None),
        ("1:2", None),
        ("", None),
    ],
)
def test_durations(text, seconds):
    assert attendance_duration_seconds(text=text) == seconds


def test_classroom_sessions_are_not_imported(admin_user):
    session = tree.session()
    with pytest.raises(RuleViolation) as refused:
        run(session, GOOD.encode(), admin_user)
    assert refused.value.code == "not_live_online"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "unreadable"),
        (b"\x00\x01\x02", "bad_type"),
        (b"name,minutes\n" + b"x" * (2 * 1024 * 1024), "too_large"),
        (b"", "empty"),
        ("姓名,备注\n张三,好\n".encode(), "missing_columns"),
    ],
)
def test_files_that_are_no_participant_list_are_refused(online, admin_user, data, code):
    session, _people = online
    with pytest.raises(RuleViolation) as refused:
        run(session, data, admin_user)
    assert refused.value.code == code
    assert not Attendance.objects.exists()


def test_import_pages_preview_choose_and_write(client, meeting, admin_user):
    session, people = meeting
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "dingtalk.csv", fixture("dingtalk_attendance_utf8_bom.csv"), content_type="text/csv"
    )

    response = client.post(
        reverse("attendance_admin:import"), {"session": session.pk, "file": upload}
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    page = preview.content.decode()
    assert "13799999999" in page and "约半小时" in page
    assert "13700000004" in page and "13700000005" in page
    assert not Attendance.objects.exists()

    refused = client.post(preview_url, {"mode": "all", "pick-0": people["13700000005"].pk})
    assert refused.status_code == 200
    assert not Attendance.objects.exists()

    done = client.post(preview_url, {"mode": "good_rows", "pick-0": people["13700000005"].pk})
    assert done.status_code == 302
    assert set(marks()) == {"13700000001", "13700000005"}
    assert client.get(preview_url).status_code == 302


def test_import_page_reports_an_unreadable_file_in_english(client, online, admin_user):
    session, _people = online
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"
    response = client.post(
        reverse("attendance_admin:import"),
        {"session": session.pk, "file": SimpleUploadedFile("list.xlsx", b"PK\x03\x04\x00")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The XLSX file could not be read."]
    assert not Attendance.objects.exists()


def test_the_rule_can_set_minutes_instead_of_shares(meeting, admin_user):
    session, _people = meeting
    rule = AttendanceRule.for_site(Site.objects.get(is_default_site=True))
    rule.import_present_minutes = 60
    rule.import_partial_minutes = 30
    rule.save()
    data = "姓名,手机号,参会时长\n,13700000001,60分钟\n,13700000002,00:30:00\n,13700000003,29\n"

    result = run(session, data.encode(), admin_user)

    assert result.written == 3
    statuses = {phone: mark.status for phone, mark in marks().items()}
    assert statuses == {
        "13700000001": S.PRESENT,
        "13700000002": S.LEFT_EARLY,
        "13700000003": S.ABSENT,
    }


def test_masked_phones_are_matched_by_name_and_the_digits_shown(meeting, admin_user):
    session, _people = meeting
    data = (
        "用户昵称,手机号,参会时长\n"
        "陈静,137****0005,01:50:00\n"
        "张三,137****0001,01:50:00\n"
        "李四,137****9999,01:50:00\n"
        "陈静,137****000*,00:10:00\n"
    )

    result = run(session, data.encode(), admin_user)

    assert [line for line, _reason in result.errors] == [4]
    assert "137****9999" in result.errors[0][1]
    assert [(a.name, a.lines) for a in result.ambiguous] == [("陈静", [5])]
    assert {r.enrollment.user.phone: r.minutes for r in result.rows} == {
        "13700000005": 110,
        "13700000001": 110,
    }
    assert not Attendance.objects.exists()
