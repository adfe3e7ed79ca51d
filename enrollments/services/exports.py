"""Attendance exports: streamed at once when small, a background job when large."""

import logging
import tempfile
from datetime import date
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from academy.models import User
from academy.roles import is_administrator
from enrollments.documents.attendance_csv import attendance_csv_write
from enrollments.documents.spreadsheets import (
    attendance_xlsx_write,
    hours_summary_xlsx_write,
)
from enrollments.models import AttendanceExport
from enrollments.selectors.attendance import attendance_export_rows, attendance_filtered
from enrollments.selectors.hours import hours_summary_rows
from enrollments.services.jobs import JobKind, job_enqueue_on_commit

logger = logging.getLogger(__name__)

EXPORT_TASK = "enrollments.tasks.attendance_export_run_task"
EXPORT_JOB = JobKind(
    model=AttendanceExport,
    task_path=EXPORT_TASK,
    task_arguments=lambda export: {"export_id": export.pk},
)

FILTER_KEYS = (
    "course_id",
    "session_id",
    "date_from",
    "date_to",
    "organization_id",
    "trainee_id",
)


def export_filters_to_json(*, filters: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in filters.items()
        if key in FILTER_KEYS and value not in (None, "")
    }


def export_filters_from_json(*, data: dict) -> dict:
    filters = {}
    for key, value in data.items():
        if key not in FILTER_KEYS:
            continue
        filters[key] = date.fromisoformat(value) if key.startswith("date_") else int(value)
    return filters


def attendance_export_async_threshold() -> int:
    return getattr(settings, "ATTENDANCE_EXPORT_ASYNC_ROWS", 20000)


def attendance_export_file_write(
    *, output: BinaryIO, export_format: str, language: str, filters: dict
) -> int:
    """Write the export to a binary file object; the one writer the admin, the job and the
    command share. Returns the number of rows."""
    values = attendance_export_rows(**filters)
    if export_format == AttendanceExport.Format.XLSX:
        return attendance_xlsx_write(output, values, language=language)
    return attendance_csv_write(output, values, language=language)


def attendance_export_needs_job(*, filters: dict) -> bool:
    threshold = attendance_export_async_threshold()
    # Counting past the threshold is wasted work: look only one row beyond it.
    return attendance_filtered(**filters).order_by()[: threshold + 1].count() > threshold


def attendance_export_request(
    *, user: User, export_format: str, language: str, filters: dict
) -> AttendanceExport:
    """Create an export job and run it in the background once this transaction commits."""
    if not is_administrator(user):
        raise PermissionDenied
    with transaction.atomic():
        export = AttendanceExport.objects.create(
            requested_by=user,
            format=export_format,
            language=language,
            filters=export_filters_to_json(filters=filters),
        )
        job_enqueue_on_commit(job=export, task_path=EXPORT_TASK, export_id=export.pk)
    return export


def attendance_export_run(*, export_id: int) -> None:
    """Write a pending export's file. A job that is not pending is left alone, so a
    second delivery of the task does nothing."""
    with transaction.atomic():
        export = (
            AttendanceExport.objects.select_for_update()
            .filter(pk=export_id, job_status=AttendanceExport.JobStatus.PENDING)
            .first()
        )
        if export is None:
            return
        export.mark_running()
    try:
        with tempfile.TemporaryFile() as output:
            row_count = attendance_export_file_write(
                output=output,
                export_format=export.format,
                language=export.language,
                filters=export_filters_from_json(data=export.filters),
            )
            output.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            export.file.save(
                f"attendance-{export.pk}-{stamp}.{export.format}", File(output), save=False
            )
    except Exception as error:
        logger.exception("Attendance export %s failed", export_id)
        export.mark_failed(error)
        return
    export.row_count = row_count
    export.mark_done("row_count", "file")


def hours_summary_file_write(
    *,
    output: BinaryIO,
    language: str,
    date_from: date,
    date_to: date,
    organization_id: int | None = None,
) -> int:
    return hours_summary_xlsx_write(
        output,
        hours_summary_rows(date_from=date_from, date_to=date_to, organization_id=organization_id),
        language=language,
        title=f"{date_from:%Y%m%d}-{date_to:%Y%m%d}",
    )
