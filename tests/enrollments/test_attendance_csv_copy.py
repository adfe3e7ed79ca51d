"""The attendance CSV from PostgreSQL's COPY is byte for byte the Python path's CSV."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from enrollments.documents import attendance_csv
from enrollments.documents.attendance_csv import (
    attendance_csv_copy_stream,
    attendance_csv_stream,
    attendance_csv_write,
)
from enrollments.documents.spreadsheets import attendance_csv_python_stream
from enrollments.models import Attendance
from enrollments.selectors.attendance import attendance_export_rows
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

S = Attendance.Status
M = Attendance.Method

NASTY_TEXTS = [
    "张三",
    'say "hi"',
    "a,b",
    "line\nbreak",
    "crlf\r\nline",
    "=1+1",
    "+86 138",
    "-李四",
    "@王五",
    "\t赵六",
    "\r钱七",
    " =1+1",
    "\n=cmd",
    "\x01=1",
    "\u3000=1",
    "＝1",
    "＋1",
    "－1",
    "＠x",
    "|calc",
    "%0A",
    "a=1",
    '"quoted", "twice"',
    "\\.",
    " ",
    "trailing space ",
    "émile ü",
    "🙂 社工",
]


def python_bytes(values, language: str) -> bytes:
    return b"".join(attendance_csv_python_stream(values, language=language))


def copy_bytes(values, language: str) -> bytes:
    return b"".join(attendance_csv_copy_stream(values, language=language))


@pytest.fixture
def nasty(trainer_user):
    """Sessions either side of local midnight, trainees with nasty names, phones,
    organisations and places, every status and method, an unknown status, negative and
    fractional hours, with and without a check-in time."""
    organizations = [
        factories.OrganizationFactory(name=name)
        for name in ['启明社工, "事务所"', "=cmd|' /C calc'!A0", "普通机构"]
    ]
    courses = [
        tree.course(trainers=[trainer_user], title='=HYPERLINK("http://x","课程")'),
        tree.course(trainers=[trainer_user], title="社区矫正\n专题, 第二期"),
    ]
    midnight = timezone.make_aware(datetime(2026, 10, 12, 0, 0))
    sessions = []
    for index, (course, starts, place) in enumerate(
        [
            (courses[0], midnight - timedelta(minutes=1), "+3 楼"),
            (courses[0], midnight, ""),
            (courses[1], midnight + timedelta(hours=23, minutes=59), '会议室 "A", 二楼'),
            (courses[1], midnight + timedelta(days=40, hours=9), "@线上"),
        ]
    ):
        sessions.append(
            tree.session(
                course=course,
                title=NASTY_TEXTS[index % len(NASTY_TEXTS)] + f" {index}",
                starts_at=starts,
                place=place,
                hours="3",
            )
        )
    statuses = list(S.values)
    methods = list(M.values)
    hours = [Decimal("3.0"), Decimal("1.5"), Decimal("0"), Decimal("-1.5"), Decimal("12.5")]
    enrollments = {}
    for number, text in enumerate(NASTY_TEXTS):
        user = factories.trainee(
            full_name=text,
            phone="" if number % 7 == 3 else f"138{number:08d}",
            organization=organizations[number % 3],
        )
        if number % 4 == 0:
            user.trainee_profile.organization = None
            user.trainee_profile.save()
        for index, session in enumerate(sessions):
            if (number + index) % 5 == 4:
                continue
            key = (session.course_id, user.pk)
            if key not in enrollments:
                enrollments[key] = ef.enrollment(course=session.course, user=user)
            mark = ef.attendance(
                session=session,
                enrollment=enrollments[key],
                status=statuses[(number + index) % len(statuses)],
                method=methods[(number + 2 * index) % len(methods)],
                marked_by=trainer_user,
            )
            Attendance.objects.filter(pk=mark.pk).update(
                hours_credited=hours[(number + index) % len(hours)],
                checked_in_at=(
                    session.starts_at + timedelta(seconds=59 * number) if number % 3 else None
                ),
            )
    Attendance.objects.filter(pk=Attendance.objects.order_by("pk").values("pk")[:1]).update(
        status="unknown", method="=legacy"
    )
    return {"sessions": sessions, "courses": courses, "organizations": organizations}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_copy_csv_is_the_python_csv_byte_for_byte(nasty, language):
    sessions, courses, organizations = nasty["sessions"], nasty["courses"], nasty["organizations"]
    trainee = Attendance.objects.order_by("pk").last().enrollment.user
    filter_sets = [
        {},
        {"course_id": courses[0].pk},
        {"session_id": sessions[2].pk},
        {"date_from": date(2026, 10, 12)},
        {"date_to": date(2026, 10, 11)},
        {"date_from": date(2026, 10, 12), "date_to": date(2026, 10, 12)},
        {"organization_id": organizations[0].pk},
        {"organization_id": organizations[1].pk, "course_id": courses[1].pk},
        {"trainee_id": trainee.pk},
        {"session_id": sessions[0].pk, "course_id": courses[1].pk},
    ]
    sizes = set()
    for filters in filter_sets:
        values = attendance_export_rows(**filters)
        expected = python_bytes(values, language)
        assert copy_bytes(values, language) == expected, filters
        sizes.add(len(list(csv.reader(io.StringIO(expected.decode("utf-8-sig"))))))
    # The filters chose different rows, and the last chose none: a header alone.
    assert len(sizes) >= 5
    assert 1 in sizes


def test_the_nasty_values_are_in_the_compared_csv(nasty):
    raw = copy_bytes(attendance_export_rows(), "en")
    assert raw.startswith(b"\xef\xbb\xbfTrainee,")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    data = rows[1:]
    assert len(data) == Attendance.objects.count()
    names = {row[0] for row in data}
    assert {'say "hi"', "a,b", "line\nbreak", "crlf\r\nline", "'=1+1", "'\r钱七"} <= names
    assert {"'\u3000=1", "'＝1", "'|calc", "'%0A", "a=1", "\\.", "🙂 社工"} <= names
    assert "'-1.5" in {row[10] for row in data}
    assert {"Present", "Late", "Excused", "unknown"} <= {row[9] for row in data}
    assert "'=legacy" in {row[12] for row in data}
    # Local time: the session a minute before local midnight is on the day before.
    assert ("2026-10-11", "2026-10-11 23:59") in {(row[5], row[6]) for row in data}
    assert "" in {row[11] for row in data} and "" in {row[2] for row in data}
    assert b"\r\n" in raw and raw.count(b"\r\n") > len(data)


BATCH = 4


@pytest.fixture
def small_batches():
    with mock.patch.object(attendance_csv, "COPY_BATCH_ROWS", BATCH):
        yield


def test_rows_across_copy_batches_keep_their_line_endings(trainer_user, small_batches):
    session = tree.session(title="批次", starts_at=timezone.make_aware(datetime(2026, 3, 1, 9)))
    course = session.course
    rows = BATCH * 2 + 1
    users = [factories.trainee(full_name=f"学员\n{number}") for number in range(rows)]
    for user in users:
        ef.attendance(session=session, enrollment=ef.enrollment(course=course, user=user))
    values = attendance_export_rows(session_id=session.pk)

    chunks = list(attendance_csv_copy_stream(values, language="zh-hans"))
    assert len(chunks) == 2 + 3
    assert b"".join(chunks) == python_bytes(values, "zh-hans")
    output = io.BytesIO()
    assert attendance_csv_write(output, values, language="zh-hans") == rows
    assert output.getvalue() == python_bytes(values, "zh-hans")


def test_postgresql_exports_use_copy(nasty, tmp_path):
    """The admin's stream, the job's writer and the command all go through COPY here."""
    values = attendance_export_rows()
    expected = python_bytes(values, "zh-hans")
    with mock.patch.object(
        attendance_csv, "attendance_csv_python_stream", side_effect=AssertionError
    ):
        assert b"".join(attendance_csv_stream(values, language="zh-hans")) == expected
        output = tmp_path / "out.csv"
        call_command(
            "export_attendance", "--format=csv", f"--output={output}", stdout=io.StringIO()
        )
    assert output.read_bytes() == expected


def test_other_databases_keep_the_python_path(nasty):
    values = attendance_export_rows()
    with (
        mock.patch.object(attendance_csv, "copy_available", return_value=False),
        mock.patch.object(attendance_csv, "copy_csv_chunks", side_effect=AssertionError),
    ):
        streamed = b"".join(attendance_csv_stream(values, language="en"))
        output = io.BytesIO()
        count = attendance_csv_write(output, values, language="en")
    assert streamed == python_bytes(values, "en") == output.getvalue()
    assert count == Attendance.objects.count()


def test_a_download_stopped_halfway_leaves_the_connection_usable(trainer_user, small_batches):
    """A client that goes away closes the stream inside COPY; the next query still runs."""
    session = tree.session(title="中断", starts_at=timezone.make_aware(datetime(2026, 3, 2, 9)))
    for number in range(BATCH * 2 + 1):
        user = factories.trainee(full_name=f"学员{number}")
        ef.attendance(session=session, enrollment=ef.enrollment(course=session.course, user=user))
    stream = attendance_csv_copy_stream(
        attendance_export_rows(session_id=session.pk), language="zh-hans"
    )
    assert next(stream) == b"\xef\xbb\xbf"
    next(stream)
    assert next(stream).count(b"\r\n") == BATCH
    stream.close()

    assert Attendance.objects.filter(session=session).count() == BATCH * 2 + 1
