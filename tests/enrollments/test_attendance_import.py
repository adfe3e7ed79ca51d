from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from academy.errors import RuleViolation
from courses.models import ClassSession
from enrollments.models import Attendance, HourEntry
from enrollments.services.attendance_import import attendance_import
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

S = Attendance.Status


@pytest.fixture
def online():
    course = tree.course()
    session = tree.session(
        course=course,
        kind=ClassSession.Kind.LIVE_ONLINE,
        minutes=100,
        hours="2",
        starts_at=timezone.now() - timedelta(days=1),
    )
    people = {
        name: ef.enrollment(course=course, user=factories.trainee(full_name=name, phone=phone))
        for name, phone in [
            ("张三", "13700000001"),
            ("李四", "13700000002"),
            ("王五", "13700000003"),
        ]
    }
    return session, people


GOOD = "姓名,手机,时长\n张三,,95\n,13700000002,60\n王五,,10\n"
BAD = "name,phone,minutes\n张三,,95\n不存在,,50\n,13799999999,50\n李四,,abc\n张三,,20\n"


def test_clean_file_is_imported_with_statuses_by_minutes(online, admin_user):
    session, people = online

    result = attendance_import(session=session, data=GOOD.encode("utf-8-sig"), user=admin_user)

    assert result.errors == []
    assert result.written == 3
    marks = {
        a.enrollment.user.full_name: a
        for a in Attendance.objects.select_related("enrollment__user")
    }
    assert marks["张三"].status == S.PRESENT and marks["张三"].minutes_attended == 95
    assert marks["李四"].status == S.LEFT_EARLY
    assert marks["王五"].status == S.ABSENT
    assert all(a.method == Attendance.Method.IMPORT for a in marks.values())
    assert sum(e.hours for e in HourEntry.objects.all()) == 3


def test_any_bad_row_writes_nothing_and_every_row_is_reported(online, admin_user):
    session, _people = online

    result = attendance_import(session=session, data=BAD.encode(), user=admin_user)

    assert [line for line, _reason in result.errors] == [3, 4, 5, 6]
    assert result.written == 0
    assert not Attendance.objects.exists()
    assert not HourEntry.objects.exists()


def test_only_good_rows_when_asked(online, admin_user):
    session, _people = online

    result = attendance_import(
        session=session, data=BAD.encode(), user=admin_user, only_good_rows=True
    )

    assert result.written == 1
    assert Attendance.objects.get().enrollment.user.full_name == "张三"


def test_gb18030_file_is_read(online, admin_user):
    session, _people = online
    result = attendance_import(session=session, data=GOOD.encode("gb18030"), user=admin_user)
    assert result.written == 3


def test_classroom_sessions_are_not_imported(admin_user):
    session = tree.session()
    with pytest.raises(RuleViolation) as refused:
        attendance_import(session=session, data=GOOD.encode(), user=admin_user)
    assert refused.value.code == "not_live_online"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "bad_type"),
        (b"name,minutes\n" + b"x" * (2 * 1024 * 1024), "too_large"),
        (b"", "empty"),
        ("姓名,备注\n张三,好\n".encode(), "missing_columns"),
    ],
)
def test_files_that_are_no_participant_list_are_refused(online, admin_user, data, code):
    session, _people = online
    with pytest.raises(RuleViolation) as refused:
        attendance_import(session=session, data=data, user=admin_user)
    assert refused.value.code == code
    assert not Attendance.objects.exists()


def test_import_page(client, online, admin_user):
    session, _people = online
    client.force_login(admin_user)

    response = client.post(
        reverse("attendance_admin:import"),
        {"session": session.pk, "file": SimpleUploadedFile("list.csv", BAD.encode())},
    )
    assert response.status_code == 200
    assert "不存在" in response.text
    assert not Attendance.objects.exists()

    client.cookies["academy_language"] = "en"
    response = client.post(
        reverse("attendance_admin:import"),
        {"session": session.pk, "file": SimpleUploadedFile("list.xlsx", b"PK\x03\x04\x00")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Upload a CSV file (comma-separated text)."]
    assert not Attendance.objects.exists()
