"""An administrator filters and exports attendance as XLSX from the admin."""

from datetime import datetime, timedelta

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from courses.models import CoursePage
from enrollments.models import Attendance, Enrollment
from enrollments.services.attendance import attendance_set
from enrollments.services.enrollment import enrollment_enrol

MARKS = {"张三": Attendance.Status.PRESENT, "李四": Attendance.Status.LATE}


def started(session, *, ago):
    """Move a session to have started ``ago``: attendance is taken only once it has."""
    session.starts_at = timezone.now() - ago
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save(update_fields=["starts_at", "ends_at"])
    return session


def test_administrator_exports_filtered_attendance_as_xlsx(visit, classroom, tmp_path):
    course, session = classroom["course"], classroom["session"]
    trainer = classroom["course"].trainers.first()
    by_name = {enrollment.user.full_name: enrollment for enrollment in classroom["enrollments"]}
    for name, status in MARKS.items():
        attendance_set(
            session_id=session.pk,
            enrollment=by_name[name],
            status=status,
            method=Attendance.Method.ROLL_CALL,
            marked_by=trainer,
        )
    # Marks the filters leave out: an earlier session of the course, and another course.
    earlier = started(classroom["later"][0], ago=timedelta(days=30))
    attendance_set(
        session_id=earlier.pk,
        enrollment=by_name["王五"],
        status=Attendance.Status.PRESENT,
        method=Attendance.Method.ROLL_CALL,
        marked_by=trainer,
    )
    other_course = CoursePage.objects.get(slug="elderly-care")
    other_session = started(other_course.sessions.first(), ago=timedelta(hours=1))
    attendance_set(
        session_id=other_session.pk,
        enrollment=enrollment_enrol(
            user=by_name["王五"].user, course=other_course, source=Enrollment.Source.ADMIN
        ),
        status=Attendance.Status.PRESENT,
        method=Attendance.Method.ROLL_CALL,
        marked_by=trainer,
    )

    admin = visit("administrator", language="en")
    page = admin.page
    admin.log_in("admin@academy.example")
    admin.goto("/admin/attendance/export/")
    expect(page.get_by_role("heading", name="Export attendance")).to_be_visible()
    today = timezone.localdate()
    form = page.locator("main form")
    form.get_by_label("Course", exact=True).select_option(label=course.title)
    form.get_by_label("From", exact=True).fill((today - timedelta(days=7)).isoformat())
    form.get_by_label("To", exact=True).fill((today + timedelta(days=1)).isoformat())
    form.locator("#id_format").select_option("xlsx")
    admin.screenshot("export-form")
    with page.expect_download() as download_info:
        form.get_by_role("button", name="Export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:5] == ("Trainee", "Mobile phone", "Organisation", "Course", "Session")
    column = {name: index for index, name in enumerate(header)}
    assert sorted(row[column["Trainee"]] for row in rows) == sorted(MARKS)
    for row in rows:
        assert row[column["Course"]] == course.title
        assert row[column["Session"]] == session.title
        assert isinstance(row[column["Starts"]], datetime)
        assert isinstance(row[column["Class-hours credited"]], float | int)
    statuses = {row[column["Trainee"]]: row[column["Status"]] for row in rows}
    assert statuses == {"张三": "Present", "李四": "Late"}
    hours = {row[column["Trainee"]]: row[column["Class-hours credited"]] for row in rows}
    assert hours["张三"] == float(session.class_hours)
