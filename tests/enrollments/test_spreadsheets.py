"""Every workbook the product writes opens right: fitted widths, a frozen and filtered
header row, typed cells with formats, formula-like text shown as it is."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override
from openpyxl import load_workbook

from enrollments.documents.spreadsheets import (
    ColumnKind,
    SheetColumn,
    evaluation_xlsx_write,
    text_width,
    xlsx_write,
)
from enrollments.documents.statistics import statistics_xlsx_write
from enrollments.models import Attendance
from enrollments.selectors.evaluations import evaluation_export_rows, evaluation_scope
from enrollments.selectors.statistics import StatisticsPeriod, statistics_report
from enrollments.services.exports import attendance_export_file_write, hours_summary_file_write
from enrollments.services.roster import roster_check, roster_read, roster_template_write
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef
from tests.system_tools import require_system_tool, run_system_tool

pytestmark = pytest.mark.django_db

LONG_ORGANISATION = "深圳市福田区春晖社会工作服务中心华强北街道社工站"
NAMES = ["欧阳晓燕", "=HYPERLINK(1)", "-李四", "曾小凡", "单田芳", "解晓东"]


@pytest.fixture
def classroom(trainer_user):
    """A class of six with marks, hours and evaluations on 12 March 2025."""
    organisation = people.OrganizationFactory(name=LONG_ORGANISATION)
    course = tree.course(title="社会工作实务（中级）案例突破", trainers=[trainer_user])
    starts = timezone.make_aware(datetime(2025, 3, 12, 9, 0))
    session = tree.session(course=course, starts_at=starts, place="综合楼 302", hours="3")
    for number, name in enumerate(NAMES):
        trainee = people.trainee(
            full_name=name, phone=f"1380013{number:04d}", organization=organisation
        )
        enrollment = ef.enrollment(course=course, user=trainee)
        ef.attendance(
            session=session,
            enrollment=enrollment,
            status=Attendance.Status.PRESENT,
            marked_by=trainer_user,
            checked_in_at=starts + timedelta(minutes=number),
        )
        ef.hour_entry(user=trainee, hours=Decimal("12.5"), date=date(2025, 3, 12))
        ef.evaluation(
            enrollment=enrollment, session=session, ratings=(5, 4, 5, 4), text="=很实用的课程"
        )
    return session


def column_width(sheet, column: int) -> float:
    """The width a sheet gives a column; one <col> element may cover a run of columns
    that look alike, and openpyxl files it under the run's first letter."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= column <= dimension.max:
            return dimension.width
    raise AssertionError(f"column {column} of {sheet.title} has no width")


def _workbooks(admin_user) -> dict[str, bytes]:
    """Every workbook the product writes, as the admin downloads it, in Chinese."""
    files = {}
    with override("zh-hans"):
        output = io.BytesIO()
        attendance_export_file_write(
            output=output, export_format="xlsx", language="zh-hans", filters={}
        )
        files["attendance"] = output.getvalue()
        output = io.BytesIO()
        hours_summary_file_write(
            output=output,
            language="zh-hans",
            date_from=date(2025, 1, 1),
            date_to=date(2025, 12, 31),
        )
        files["hours"] = output.getvalue()
        output = io.BytesIO()
        roster_template_write(output=output)
        files["roster"] = output.getvalue()
        output = io.BytesIO()
        scope = evaluation_scope(
            user=admin_user, date_from=date(2020, 1, 1), date_to=timezone.localdate()
        )
        evaluation_xlsx_write(output, evaluation_export_rows(scope=scope), language="zh-hans")
        files["evaluations"] = output.getvalue()
        output = io.BytesIO()
        report = statistics_report(
            user=admin_user, period=StatisticsPeriod(date(2025, 1, 1), date(2025, 12, 31))
        )
        statistics_xlsx_write(output=output, report=report)
        files["statistics"] = output.getvalue()
    return files


def test_every_workbook_has_a_frozen_filtered_header_and_fitted_widths(classroom, admin_user):
    for name, content in _workbooks(admin_user).items():
        workbook = load_workbook(io.BytesIO(content))
        for sheet in workbook.worksheets:
            assert sheet.freeze_panes == "A2", (name, sheet.title)
            last_column = sheet.cell(row=1, column=sheet.max_column).column_letter
            assert sheet.auto_filter.ref == f"A1:{last_column}{sheet.max_row}", (name, sheet.title)
            for (header,) in sheet.iter_cols(min_row=1, max_row=1):
                assert header.font.bold, (name, header.value)
                width = column_width(sheet, header.column)
                assert width >= text_width(str(header.value)) + 2, (name, header.value)
                for cell in sheet[header.column_letter][1:]:
                    if isinstance(cell.value, str) and not cell.alignment.wrap_text:
                        assert width >= text_width(cell.value), (name, cell.value)


def test_the_attendance_workbook_types_and_formats_its_cells(classroom, admin_user):
    sheet = load_workbook(io.BytesIO(_workbooks(admin_user)["attendance"])).active
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, sheet[2], strict=True))
    assert row["日期"].number_format == "yyyy-mm-dd"
    assert row["日期"].value == datetime(2025, 3, 12)
    assert row["开始时间"].number_format == "hh:mm"
    assert row["计入学时"].number_format == "0.0" and row["计入学时"].value == 3
    assert row["签到时间"].number_format == "yyyy-mm-dd hh:mm"
    assert row["所在机构"].value == LONG_ORGANISATION
    names = {cell.value: cell for cell in sheet["A"][1:]}
    assert names["=HYPERLINK(1)"].data_type == "s" and names["=HYPERLINK(1)"].quotePrefix
    assert not names["欧阳晓燕"].quotePrefix


def test_the_roster_template_is_read_back_as_an_empty_roster():
    output = io.BytesIO()
    with override("zh-hans"):
        assert roster_template_write(output=output) == 0
    upload = io.BytesIO(output.getvalue())
    upload.name, upload.size = "template.xlsx", len(output.getvalue())
    sheet = roster_read(upload=upload)
    assert sheet.headers == ["姓名", "手机号码", "邮箱", "机构"]
    assert sheet.rows == []
    assert roster_check(sheet=sheet).problems == []
    columns = load_workbook(io.BytesIO(output.getvalue())).active.column_dimensions
    assert columns["B"].number_format == "@"


def test_roster_template_download_needs_an_administrator(client, admin_user, trainer_user):
    from django.urls import reverse

    url = reverse("enrollments_admin:roster_template")
    client.force_login(trainer_user)
    assert client.get(url).status_code in (302, 403)
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.freeze_panes == "A2"


def test_widths_come_from_the_header_and_the_kind_before_any_row():
    columns = [
        SheetColumn("日期", ColumnKind.DATE),
        SheetColumn("Class-hours credited", ColumnKind.HOURS),
        SheetColumn("机构", ColumnKind.ORGANISATION),
        SheetColumn("说明", ColumnKind.TEXT, width=200),
    ]
    widths = [column.display_width for column in columns]
    assert widths[0] >= len("2025-03-12")
    assert widths[1] >= len("Class-hours credited")
    assert widths[2] >= text_width(LONG_ORGANISATION)
    assert widths[3] == 60


def test_xlsx_write_reads_kinds_from_the_first_row_when_not_given():
    output = io.BytesIO()
    rows = iter([[date(2025, 3, 12), Decimal("1.5"), 7, "张三"], [None, None, None, "李四"]])
    assert (
        xlsx_write(output, title="变更", headers=["日期", "学时", "人次", "姓名"], rows=rows) == 2
    )
    sheet = load_workbook(io.BytesIO(output.getvalue())).active
    assert [cell.number_format for cell in sheet[2][:3]] == ["yyyy-mm-dd", "0.0", "#,##0"]
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet.freeze_panes == "A2"


def _libreoffice_text(tmp_path, files: dict[str, bytes]) -> dict[str, str]:
    require_system_tool("pdftotext", package="poppler-utils")
    paths = []
    for name, content in files.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        paths.append(str(path))
    run_system_tool(
        "soffice",
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        *paths,
        package="libreoffice-calc-nogui",
    )
    return {
        name: run_system_tool(
            "pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-", package="poppler-utils"
        )
        for name in files
    }


def test_libreoffice_shows_every_workbook_without_hash_cells_or_apostrophes(
    classroom, admin_user, tmp_path
):
    """LibreOffice prints ### where a date or number does not fit its column: none may;
    names and organisations show whole, formula-like text without an apostrophe."""
    texts = _libreoffice_text(tmp_path, _workbooks(admin_user))
    for name, text in texts.items():
        assert "###" not in text, name
        assert "'" not in text, name
    for name in ("attendance", "hours"):
        assert LONG_ORGANISATION in texts[name], name
        assert "欧阳晓燕" in texts[name] and "=HYPERLINK(1)" in texts[name], name
    assert "2025-03-12" in texts["attendance"] and "09:00" in texts["attendance"]
    assert "2025-03-12 09:05" in texts["attendance"]
    assert "12.5" in texts["hours"]
    assert "=很实用的课程" in texts["evaluations"]
    assert "姓名" in texts["roster"] and "手机号码" in texts["roster"]
    assert "社会工作实务（中级）案例突破" in texts["statistics"]
