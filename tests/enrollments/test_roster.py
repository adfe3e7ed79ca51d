import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from academy.errors import RuleViolation
from academy.services import trainee_account_create
from enrollments.models import Enrollment
from enrollments.services.roster import roster_check, roster_import, roster_read
from tests.academy import factories
from tests.courses import factories as tree

User = get_user_model()
pytestmark = pytest.mark.django_db


def csv_upload(text, name="roster.csv", bom=True):
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"))


BAD_ROSTER = (
    "姓名,手机号,机构\n"  # no email column
    "张三,13800001111,阳光社会工作服务中心\n"
    "李四,12345,阳光社会工作服务中心\n"  # bad phone
    "张三,13800001111,阳光社会工作服务中心\n"  # duplicate of row 2
    "王五,13800002222,不存在的机构\n"  # unknown organisation
)


def test_a_bad_roster_reports_every_problem_and_writes_nothing(organization, admin_user):
    course = tree.course()
    users_before = User.objects.count()
    sheet = roster_read(upload=csv_upload(BAD_ROSTER))

    report = roster_check(sheet=sheet)

    problems = [(p.row, p.message) for p in report.problems]
    assert (1, "缺少列：邮箱。") in problems
    rows = {row for row, _message in problems}
    assert rows == {1, 3, 4, 5}
    assert any(row == 3 and "12345" in message for row, message in problems)
    assert any(row == 4 and "2" in message for row, message in problems)
    assert any(row == 5 and "不存在的机构" in message for row, message in problems)
    assert not report.can_import_good_rows
    with pytest.raises(RuleViolation):
        roster_import(course=course, sheet=sheet, actor=admin_user, good_rows_only=True)
    assert User.objects.count() == users_before
    assert not Enrollment.objects.exists()


def test_clean_roster_creates_unknown_trainees_and_matches_known_ones(organization, admin_user):
    course = tree.course(capacity=2)
    known = factories.trainee(phone="13900009999", email="known@example.com")
    sheet = roster_read(
        upload=csv_upload(
            "full name,phone,email,organisation\n"
            "新学员,13800003333,,阳光社会工作服务中心\n"
            "已有学员,13900009999,,阳光社会工作服务中心\n"
            "第三人,,third@example.com,阳光社会工作服务中心\n",
            bom=False,
        )
    )
    assert roster_check(sheet=sheet).is_clean

    result = roster_import(course=course, sheet=sheet, actor=admin_user)

    assert (result.created, result.matched) == (2, 1)
    assert (result.enrolled, result.waitlisted) == (2, 1)
    new = User.objects.get(phone="13800003333")
    assert not new.has_usable_password()
    assert new.groups.filter(name="Trainee").exists()
    assert new.trainee_profile.organization == organization
    assert Enrollment.objects.get(user=known).source == Enrollment.Source.ROSTER
    assert Enrollment.objects.get(user__email="third@example.com").status == "waitlisted"
    assert new.username == "13800003333"
    assert User.objects.get(email="third@example.com").username == "third@example.com"


def test_a_roster_row_is_refused_when_its_login_name_is_taken(organization):
    # Someone made by an earlier roster under this phone, who changed it since.
    factories.trainee(username="13800008888", phone="13900001111")
    sheet = roster_read(
        upload=csv_upload("姓名,手机号,邮箱,机构\n新学员,13800008888,,阳光社会工作服务中心\n")
    )

    report = roster_check(sheet=sheet)

    assert [(p.row, p.message) for p in report.problems] == [
        (2, "已有其他账号使用“13800008888”登录。")
    ]


def test_an_account_made_after_the_check_stops_the_import_whole(
    organization, admin_user, monkeypatch
):
    course = tree.course()
    sheet = roster_read(
        upload=csv_upload(
            "姓名,手机号,邮箱,机构\n"
            "甲学员,13800001212,,阳光社会工作服务中心\n"
            "乙学员,,late@example.com,阳光社会工作服务中心\n"
        )
    )
    stale = roster_check(sheet=sheet)
    assert stale.is_clean
    trainee_account_create(full_name="抢先者", email="late@example.com")
    monkeypatch.setattr("enrollments.services.roster.roster_check", lambda sheet: stale)

    with pytest.raises(RuleViolation) as refused:
        roster_import(course=course, sheet=sheet, actor=admin_user)

    assert refused.value.code == "row_refused"
    assert refused.value.text.startswith("第 3 行：")
    assert not User.objects.filter(phone="13800001212").exists()
    assert not Enrollment.objects.exists()


def test_xlsx_roster_is_read(organization):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号", "邮箱", "机构"])
    sheet.append(["表格学员", 13800006666, None, "阳光社会工作服务中心"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    read = roster_read(upload=SimpleUploadedFile("roster.xlsx", buffer.getvalue()))

    report = roster_check(sheet=read)
    assert report.is_clean
    assert report.good_rows[0]["phone"] == "13800006666"


@pytest.mark.parametrize(
    ("name", "content"),
    [("roster.txt", b"a,b"), ("roster.xlsx", b"not a zip"), ("roster.csv", "姓名".encode("gbk"))],
)
def test_wrong_file_types_are_refused(name, content):
    with pytest.raises(RuleViolation):
        roster_read(upload=SimpleUploadedFile(name, content))


def test_roster_admin_flow_shows_the_report_then_imports(client, organization, admin_user):
    course = tree.course()
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"

    response = client.post(
        reverse("enrollments_admin:roster_upload", args=[course.pk]),
        {"roster": csv_upload(BAD_ROSTER)},
        follow=True,
    )

    page = response.content.decode()
    assert "Missing column: email." in page
    assert "不存在的机构" in page
    assert "Duplicate of row 2." in page
    assert not Enrollment.objects.exists()

    good = client.post(
        reverse("enrollments_admin:roster_upload", args=[course.pk]),
        {"roster": csv_upload("姓名,手机号,邮箱,机构\n好学员,13800007777,,阳光社会工作服务中心\n")},
    )
    assert good.status_code == 302
    client.post(good.url, {"mode": "all"})
    assert Enrollment.objects.get().user.phone == "13800007777"


def test_roster_import_is_for_administrators_only(client, trainer_user):
    course = tree.course()
    client.force_login(trainer_user)
    response = client.get(reverse("enrollments_admin:roster_upload", args=[course.pk]))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
