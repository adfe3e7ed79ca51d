"""Continuing-education hours records (继续教育学时证明): request one, draw its PDF."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import TraineeProfile, User
from enrollments.documents.certificate import HoursRecordContent, render_hours_record
from enrollments.models import HoursRecord
from enrollments.selectors.certificates import (
    academy_name,
    default_cycle,
    hours_record_lines,
    hours_record_verification_url,
)
from enrollments.services.jobs import (
    FailureOutcome,
    JobKind,
    job_enqueue_on_commit,
    job_failure_outcome,
)

HOURS_RECORD_TASK = "enrollments.tasks.hours_record_task"
HOURS_RECORD_JOB = JobKind(
    model=HoursRecord,
    task_path=HOURS_RECORD_TASK,
    task_arguments=lambda record: {"record_id": record.pk},
)


def hours_record_request(
    *,
    user: User,
    requested_by: User,
    period_start: date | None = None,
    period_end: date | None = None,
) -> HoursRecord:
    if (period_start is None) != (period_end is None):
        raise RuleViolation(
            _("Give both dates, or neither for the last three years."), code="period_incomplete"
        )
    if period_start is None or period_end is None:
        period_start, period_end = default_cycle(user=user)
    if period_end < period_start:
        raise RuleViolation(_("The period must end after it starts."), code="period_reversed")
    with transaction.atomic():
        record = HoursRecord.objects.create(
            user=user,
            requested_by=requested_by,
            period_start=period_start,
            period_end=period_end,
            holder_name=user.full_name,
        )
        job_enqueue_on_commit(job=record, task_path=HOURS_RECORD_TASK, record_id=record.pk)
    return record


def hours_record_issue(*, record_id: int) -> HoursRecord:
    with transaction.atomic():
        record = HoursRecord.objects.select_for_update().select_related("user").get(pk=record_id)
        if record.is_done:
            return record
        record.started_at = timezone.now()
        profile = TraineeProfile.objects.filter(user=record.user).first()
        content = HoursRecordContent(
            academy_name=academy_name(),
            holder_name=record.user.full_name,
            period_start=record.period_start,
            period_end=record.period_end,
            issued_on=timezone.localdate(),
            verification_url=hours_record_verification_url(record=record),
            qualification=profile.get_qualification_level_display()
            if profile and profile.qualification_level
            else "",
            lines=hours_record_lines(
                user=record.user, period_start=record.period_start, period_end=record.period_end
            ),
        )
        record.pdf.save(
            f"hours-{record.verification_code}.pdf",
            ContentFile(render_hours_record(content)),
            save=False,
        )
        record.holder_name = content.holder_name
        record.total_hours = content.total_hours
        record.issued_at = timezone.now()
        record.mark_done("pdf", "holder_name", "total_hours", "issued_at", "started_at")
    return record


def hours_record_record_failure(*, record_id: int, error: BaseException) -> FailureOutcome:
    """Note a failed attempt; say whether (and when) to try again."""
    with transaction.atomic():
        record = HoursRecord.objects.select_for_update().get(pk=record_id)
        if record.is_done:
            return FailureOutcome(attempts=record.attempts, retry_after=None, job=record)
        record.mark_failed(error)
    return job_failure_outcome(job=record, error=error)
