"""Background jobs. Each takes ids, calls a service, and is safe to run twice.

Services queue these by their dotted path (``enrollments.services.jobs``), so this
module imports services and no service imports it.

The Tasks API has no retry of its own: a failed attempt is recorded on the
job's row and, while attempts are left, the job queues itself again after a
backoff (``run_after``; the RQ worker needs ``--with-scheduler``). The last
failure is raised so that it shows among the failed jobs of the django-rq
dashboard.
"""

import logging

from django.utils import timezone
from django_tasks import task

from academy.settings.env import JOBS_BACKEND
from enrollments.services import recovery
from enrollments.services.certificates import bundles, hours_records, issuing
from enrollments.services.exams import exam_attempts_expire
from enrollments.services.exports import attendance_export_run
from enrollments.services.jobs import FailureOutcome, job_enqueue
from enrollments.services.notifications import (
    notification_deliver,
    notification_delivery_record_failure,
)
from enrollments.services.notifications.scheduled import (
    ce_cycle_reminders_send,
    session_reminders_send,
)
from enrollments.services.statistics import statistics_rollup_refresh

logger = logging.getLogger(__name__)

CERTIFICATES_QUEUE = "certificates"


def _retry(job_task, outcome: FailureOutcome, **kwargs) -> bool:
    """Queue ``job_task`` again after the outcome's backoff; False when it cannot be retried."""
    if outcome.retry_after is None or outcome.job is None:
        return False
    if not job_task.get_backend().supports_defer:
        return False
    return job_enqueue(
        job=outcome.job,
        task_path=job_task.module_path,
        run_after=timezone.now() + outcome.retry_after,
        **kwargs,
    )


@task(backend=JOBS_BACKEND, queue_name=CERTIFICATES_QUEUE)
def certificate_issue_task(enrollment_id: int) -> str | None:
    try:
        certificate = issuing.certificate_issue(enrollment_id=enrollment_id)
    except Exception as error:
        outcome = issuing.certificate_record_failure(enrollment_id=enrollment_id, error=error)
        if _retry(certificate_issue_task, outcome, enrollment_id=enrollment_id):
            logger.warning(
                "Certificate for enrolment %s failed (attempt %s), retrying in %s: %s",
                enrollment_id,
                outcome.attempts,
                outcome.retry_after,
                error,
            )
            return None
        raise
    return certificate.serial_number


@task(backend=JOBS_BACKEND, queue_name=CERTIFICATES_QUEUE)
def hours_record_task(record_id: int) -> None:
    try:
        hours_records.hours_record_issue(record_id=record_id)
    except Exception as error:
        outcome = hours_records.hours_record_record_failure(record_id=record_id, error=error)
        if _retry(hours_record_task, outcome, record_id=record_id):
            return
        raise


@task(backend=JOBS_BACKEND)
def certificate_bundle_task(bundle_id: int) -> None:
    bundles.certificate_bundle_build(bundle_id=bundle_id)


@task(backend=JOBS_BACKEND)
def statistics_rollup_task() -> int:
    """Rebuild the monthly figures the year in figures reads (run by the scheduler)."""
    return statistics_rollup_refresh()


@task(backend=JOBS_BACKEND)
def job_sweep_task() -> int:
    return recovery.job_sweep()


# The name periodic jobs queued before every kind was swept still carry.
certificate_sweep_task = job_sweep_task


@task(backend=JOBS_BACKEND)
def attendance_export_run_task(export_id: int) -> None:
    attendance_export_run(export_id=export_id)


@task(backend=JOBS_BACKEND)
def notification_deliver_task(delivery_id: int) -> None:
    try:
        notification_deliver(delivery_id=delivery_id)
    except Exception as error:
        outcome = notification_delivery_record_failure(delivery_id=delivery_id, error=error)
        if _retry(notification_deliver_task, outcome, delivery_id=delivery_id):
            return
        raise


@task(backend=JOBS_BACKEND)
def session_reminders_task() -> int:
    """Remind trainees of tomorrow's sessions (run by the scheduler)."""
    return session_reminders_send()


@task(backend=JOBS_BACKEND)
def ce_cycle_reminders_task() -> int:
    """Remind trainees whose continuing-education cycle ends soon (run by the scheduler)."""
    return ce_cycle_reminders_send()


@task(backend=JOBS_BACKEND)
def exam_attempts_expire_task() -> int:
    """Submit the exam attempts whose deadline has passed (run by the scheduler)."""
    return exam_attempts_expire()
