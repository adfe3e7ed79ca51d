"""Peak Python memory of the attendance export at growing row counts.

    DATABASE_URL=... .venv/bin/python bench/attendance_export_memory.py [ROWS ...]

Creates throw-away sessions and attendance rows inside a transaction that is
rolled back at the end, writes each export format to a temporary file, and
prints the peak memory traced while writing. Constant memory means the peak
stays flat as the row count grows.
"""

import os
import sys
import tempfile
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from enrollments.models import Attendance, Enrollment  # noqa: E402
from enrollments.services.exports import attendance_export_file_write  # noqa: E402

SESSION_SIZE = 500


class Rollback(Exception):
    pass


def make_rows(count: int):
    from cms_pages.demo import seed_site
    from courses.models import ClassSession, CourseCatalogPage, CoursePage, CurriculumPage

    seed_site()
    catalog = CourseCatalogPage.objects.get()
    curriculum = CurriculumPage(title="基准", slug="bench-curriculum", code="bench", track="topic")
    catalog.add_child(instance=curriculum)
    course = CoursePage(
        title="基准课程",
        slug="bench-course",
        summary="-",
        delivery_mode="classroom",
        class_hours=Decimal("3"),
    )
    curriculum.add_child(instance=course)
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"bench{i}", full_name=f"学员{i}", phone=f"177{i:08d}")
        for i in range(SESSION_SIZE)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=user, course=course, status=Enrollment.Status.ACTIVE) for user in users
    )
    start = timezone.now() - timedelta(days=400)
    rows = []
    for index in range((count + SESSION_SIZE - 1) // SESSION_SIZE):
        session = ClassSession.objects.create(
            course=course,
            title=f"第{index}讲",
            starts_at=start + timedelta(days=index),
            ends_at=start + timedelta(days=index, hours=3),
            class_hours=Decimal("3"),
            place="=301",
        )
        rows += [
            Attendance(
                session=session,
                enrollment=enrollment,
                status=Attendance.Status.PRESENT,
                method=Attendance.Method.ROLL_CALL,
                hours_credited=Decimal("3"),
                checked_in_at=session.starts_at,
            )
            for enrollment in enrollments[: count - index * SESSION_SIZE]
        ]
        if len(rows) >= 5000:
            Attendance.objects.bulk_create(rows)
            rows = []
    Attendance.objects.bulk_create(rows)
    return course.pk


def peak_kib(export_format: str, course_id: int) -> tuple[int, int]:
    with tempfile.TemporaryFile() as output:
        tracemalloc.start()
        written = attendance_export_file_write(
            output=output,
            export_format=export_format,
            language="zh-hans",
            filters={"course_id": course_id},
        )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return written, peak // 1024


def main(counts: list[int]):
    print(f"{'rows':>8} {'format':>6} {'peak KiB':>9}")
    for count in counts:
        try:
            with transaction.atomic():
                course_id = make_rows(count)
                for export_format in ("csv", "xlsx"):
                    written, peak = peak_kib(export_format, course_id)
                    print(f"{written:>8} {export_format:>6} {peak:>9}")
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000, 50000])
