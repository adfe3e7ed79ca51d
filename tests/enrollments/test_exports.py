import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enrollments.documents.spreadsheets import csv_stream, neutralise, xlsx_write
from enrollments.models import Attendance, AttendanceExport, SessionAttendanceState
from enrollments.services.exports import attendance_export_request, attendance_export_run
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

S = Attendance.Status
HEADERS = {
    "zh-hans": ["学员", "手机号码", "所在机构"],
    "en": ["Trainee", "Mobile phone", "Organisation"],
}


@pytest.fixture
def records(trainer_user):
    course = tree.course(trainers=[trainer_user], title='=HYPERLINK("http://x")课程')
    starts = timezone.make_aware(datetime(2026, 10, 12, 9, 0))
    session = tree.session(course=course, starts_at=starts, place="+3 楼", hours="3")
    names = ["张三", "-李四", "@王五", "\t赵六", "\r钱七"]
    statuses = [S.PRESENT, S.LATE, S.ABSENT, S.LEFT_EARLY, S.EXCUSED]
    for name, status in zip(names, statuses, strict=True):
        ef.attendance(
            session=session,
            enrollment=ef.enrollment(course=course, user=factories.trainee(full_name=name)),
            status=status,
            marked_by=trainer_user,
            checked_in_at=starts if status == S.PRESENT else None,
        )
    other = tree.session(starts_at=starts + timedelta(days=40))
    ef.attendance(
        session=other,
        enrollment=ef.enrollment(course=other.course, user=factories.trainee(full_name="另一门课")),
    )
    return session


def read_csv(raw: bytes):
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_neutralise_only_strings():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\r") == "'\r"
    assert neutralise(-3) == -3
    assert neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise("普通") == "普通"
    assert neutralise("a=1") == "a=1"


# Text a spreadsheet program would read as a formula, a DDE call or an encoded control
# character, with the blanks and control characters it skips first.
FORMULA_TEXTS = [
    "=1+1",
    " =1+1",
    "\n=cmd",
    "\t=1",
    "\r\n@SUM(A1)",
    "\x01=1",
    "\u3000=1",
    "＝1",
    "＋1",
    "－1",
    "＠x",
    "|calc",
    "%0A=1",
    "+1",
    "-1",
    "@x",
    '=HYPERLINK("http://x")',
]
PLAIN_TEXTS = ["张三", "a=1", "1+1", " 张三", "李-四", "50%"]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_csv_neutralises_formula_text_with_an_apostrophe(text):
    raw = b"".join(csv_stream(["姓名"], [[text, 3]]))

    assert read_csv(raw)[1] == ["'" + text, "3"]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_csv_leaves_plain_text_alone(text):
    assert read_csv(b"".join(csv_stream(["姓名"], [[text]])))[1] == [text]


def _xlsx_cells(rows):
    output = io.BytesIO()
    xlsx_write(output, title="导出", headers=["=姓名"], rows=rows)
    output.seek(0)
    return load_workbook(output).active


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_xlsx_writes_formula_text_as_a_text_cell_unchanged(text):
    sheet = _xlsx_cells([[text, Decimal("1.5")]])
    cell = sheet.cell(row=2, column=1)

    # XML cannot carry U+0001 and reads a carriage return as a line feed; the rest of
    # the text is kept as it was.
    assert cell.value == text.replace("\x01", "").replace("\r\n", "\n").replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    assert sheet.cell(row=2, column=2).data_type == "n"
    header = sheet.cell(row=1, column=1)
    assert (header.value, header.data_type) == ("=姓名", "s")


def test_xlsx_never_writes_a_formula():
    output = io.BytesIO()
    xlsx_write(output, title="导出", headers=["姓名"], rows=[[text] for text in FORMULA_TEXTS])

    output.seek(0)
    from zipfile import ZipFile

    sheet_xml = ZipFile(output).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_xlsx_plain_text_is_a_text_cell_without_the_quote_prefix(text):
    cell = _xlsx_cells([[text]]).cell(row=2, column=1)

    assert (cell.value, cell.data_type) == (text, "s")
    assert not cell.quotePrefix


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_csv_by_command(records, tmp_path, language):
    output = tmp_path / "out.csv"
    call_command(
        "export_attendance",
        "--format=csv",
        f"--output={output}",
        f"--session={records.pk}",
        f"--language={language}",
        stdout=io.StringIO(),
    )

    rows = read_csv(output.read_bytes())
    header, data = rows[0], rows[1:]
    assert header[:3] == HEADERS[language]
    assert len(data) == 5
    by_name = {row[0]: row for row in data}
    assert set(by_name) == {"张三", "'-李四", "'@王五", "'\t赵六", "'\r钱七"}
    assert all(row[3].startswith("'=HYPERLINK") for row in data)
    assert all(row[8] == "'+3 楼" for row in data)
    assert by_name["张三"][5] == "2026-10-12"
    assert by_name["张三"][10] == "3.0"
    assert by_name["'-李四"][10] == "1.5"
    assert by_name["张三"][9] == ("出勤" if language == "zh-hans" else "Present")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_xlsx_by_command(records, tmp_path, language):
    output = tmp_path / "out.xlsx"
    call_command(
        "export_attendance",
        "--format=xlsx",
        f"--output={output}",
        "--from=2026-10-01",
        "--to=2026-10-31",
        f"--language={language}",
        stdout=io.StringIO(),
    )

    sheet = load_workbook(output).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:3]) == HEADERS[language]
    data = rows[1:]
    assert len(data) == 5
    first = next(row for row in data if row[0] == "张三")
    assert isinstance(first[5], datetime) and first[5].date() == date(2026, 10, 12)
    assert first[6] == datetime(2026, 10, 12, 9, 0)
    assert isinstance(first[10], int | float) and first[10] == 3
    assert first[11] == datetime(2026, 10, 12, 9, 0)
    # Formula-like text is kept as it is, in text cells; XML turns a carriage return
    # into a line feed on reading.
    names = {row[0] for row in data}
    assert names == {"张三", "-李四", "@王五", "\t赵六", "\n钱七"}
    assert all(row[3] == '=HYPERLINK("http://x")课程' for row in data)
    assert all(row[8] == "+3 楼" for row in data)
    assert sheet.cell(row=2, column=4).data_type == "s"
    assert sheet.cell(row=2, column=4).quotePrefix
    cell = sheet.cell(row=2, column=11)
    assert cell.data_type == "n"


def test_command_filters(records, tmp_path):
    output = tmp_path / "out.csv"
    organization = factories.OrganizationFactory(name="启明社工事务所")
    trainee = Attendance.objects.filter(session=records).first().enrollment.user
    trainee.trainee_profile.organization = organization
    trainee.trainee_profile.save()

    for args, expected in [
        ([], 6),
        ([f"--course={records.course_id}"], 5),
        (["--from=2026-11-01"], 1),
        (["--to=2026-10-12"], 5),
        (["--organization=启明社工事务所"], 1),
        ([f"--trainee={trainee.phone}"], 1),
    ]:
        call_command(
            "export_attendance", "--format=csv", f"--output={output}", *args, stdout=io.StringIO()
        )
        assert len(read_csv(output.read_bytes())) - 1 == expected, args


def test_admin_csv_streams(client, admin_user, records):
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"

    response = client.get(
        reverse("attendance_admin:export"), {"format": "csv", "course": records.course_id}
    )

    assert response.status_code == 200
    assert response.streaming
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0][0] == "Trainee"
    assert len(rows) == 6


def test_admin_xlsx_download(client, admin_user, records):
    client.force_login(admin_user)

    response = client.get(reverse("attendance_admin:export"), {"format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 7
    assert sheet.cell(row=1, column=1).value == "学员"


def test_exports_need_the_administrator_role(client, trainer_user, records):
    urls = [
        reverse("attendance_admin:export") + "?format=csv",
        reverse("attendance_admin:jobs"),
        reverse("attendance_admin:hours_summary") + "?date_from=2026-01-01&date_to=2026-12-31",
        reverse("attendance_admin:import"),
        reverse("attendance_admin:import_preview", args=["ab12"]),
        reverse("attendance_admin:sessions"),
    ]
    # Wagtail sends a trainer it refuses back to the dashboard, and someone who may not
    # use the admin at all to the admin's login page.
    refused_to = {
        trainer_user: lambda url: reverse("wagtailadmin_home"),
        factories.trainee(): lambda url: f"{reverse('wagtailadmin_login')}?next={quote(url)}",
    }
    for user, redirect_for in refused_to.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url == redirect_for(url)
    assert not AttendanceExport.objects.exists()


def test_large_export_becomes_a_job(
    client, admin_user, records, settings, django_capture_on_commit_callbacks
):
    settings.ATTENDANCE_EXPORT_ASYNC_ROWS = 3
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("attendance_admin:export"), {"format": "csv"})

    assert response.status_code == 302
    job = AttendanceExport.objects.get()
    # The immediate backend ran the task once the request's transaction committed.
    assert job.job_status == AttendanceExport.JobStatus.DONE
    assert job.row_count == 6
    assert job.last_enqueued_at is not None
    download = client.get(reverse("attendance_admin:download", args=[job.pk]))
    rows = read_csv(b"".join(download.streaming_content))
    assert len(rows) == 7


def test_a_large_export_still_redirects_when_the_broker_refuses_the_job(
    client, admin_user, records, settings, django_capture_on_commit_callbacks
):
    settings.ATTENDANCE_EXPORT_ASYNC_ROWS = 3
    client.force_login(admin_user)

    with (
        mock.patch("enrollments.tasks.attendance_export_run_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.enqueue.side_effect = ConnectionError("Redis away")
        response = client.get(reverse("attendance_admin:export"), {"format": "csv"})

    assert response.status_code == 302
    job = AttendanceExport.objects.get()
    task.enqueue.assert_called_once_with(export_id=job.pk)
    assert job.job_status == AttendanceExport.JobStatus.PENDING
    assert job.last_enqueued_at is None


def test_a_failed_export_keeps_its_error(admin_user, records):
    job = attendance_export_request(user=admin_user, export_format="csv", language="en", filters={})

    with mock.patch(
        "enrollments.services.exports.attendance_export_file_write",
        side_effect=OSError("disk full"),
    ):
        attendance_export_run(export_id=job.pk)

    job.refresh_from_db()
    assert job.job_status == AttendanceExport.JobStatus.FAILED
    assert (job.error, job.attempts) == ("OSError: disk full", 1)
    assert job.started_at is not None and job.finished_at is not None


def test_job_belongs_to_its_requester(client, admin_user, records):
    job = attendance_export_request(
        user=admin_user, export_format="xlsx", language="en", filters={}
    )
    attendance_export_run(export_id=job.pk)
    other_admin = factories.administrator()
    client.force_login(other_admin)
    assert client.get(reverse("attendance_admin:download", args=[job.pk])).status_code == 404


def test_job_runs_once(admin_user, records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_export_request(
            user=admin_user,
            export_format="xlsx",
            language="en",
            filters={"session_id": records.pk, "date_from": date(2026, 10, 1)},
        )
    job.refresh_from_db()
    assert job.job_status == AttendanceExport.JobStatus.DONE
    name = job.file.name

    attendance_export_run(export_id=job.pk)

    job.refresh_from_db()
    assert job.file.name == name
    sheet = load_workbook(job.file.open("rb")).active
    assert sheet.max_row == 6


def test_hours_summary_xlsx(client, admin_user, records):
    trainee = Attendance.objects.filter(session=records, status=S.PRESENT).get().enrollment.user
    ef.hour_entry(user=trainee, hours=Decimal("2.5"), date=date(2026, 10, 20))
    ef.hour_entry(user=trainee, hours=Decimal("9"), date=date(2027, 1, 20))
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"

    response = client.get(
        reverse("attendance_admin:hours_summary"),
        {"date_from": "2026-10-01", "date_to": "2026-10-31"},
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Trainee"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["张三"][3:] == (2.5, 3.0, 0, 0, 5.5)
    assert by_name["-李四"][7] == 1.5
    assert "另一门课" not in by_name


def test_signin_sheet_pdf(client, trainer_user, records):
    from pypdf import PdfReader

    client.force_login(trainer_user)
    response = client.get(reverse("attendance:signin_sheet", args=[records.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "张三" in text and "钱七" in text
    assert "签到表" in text


def test_admin_attendance_pages_render(client, admin_user, records):
    client.force_login(admin_user)
    for name in ("sessions", "export", "jobs", "hours_summary", "import"):
        response = client.get(reverse(f"attendance_admin:{name}"))
        assert response.status_code == 200, name
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    records_page = client.get(reverse("attendance_records:index"))
    assert records_page.status_code == 200
    assert "张三" in records_page.text

    client.post(reverse("attendance_admin:lock", args=[records.pk]), {"action": "lock"})
    state = SessionAttendanceState.objects.get(session=records)
    assert state.locked_at is not None and state.locked_by == admin_user
    sessions_page = client.get(reverse("attendance_admin:sessions"), {"days": "3650"})
    assert "已于" in sessions_page.text and "锁定" in sessions_page.text
