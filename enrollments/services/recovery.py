"""Recovery without a person: the sweep that queues again every job whose queue job is gone,
and the administrators' Retry of a failed job.

The sweep runs every ``JOB_SWEEP_INTERVAL_SECONDS`` from the workers' scheduler
(``enrollments.cron``), or by hand (``manage.py sweep_jobs``). For each kind of job row it
looks at the rows that are pending, running, or failed with attempts left, and asks the
queue about each row's job (``queue_job_id``):

- still waiting, scheduled, or running on a worker that is there: left alone;
- gone (no such job, or it ended without the row being done): a pending row is queued again;
  a running one was interrupted;
- started and never ended well (failed, stopped, or its worker died): interrupted;
- taken from its queue by a worker that died before it marked the job started (RQ's forking
  worker marks it in the work horse, after the fork), so still marked queued in no queue:
  interrupted too (at once when RQ recorded the run and its worker, else once it has been
  seen so for ``JOB_SWEEP_GRACE_SECONDS``).

An interrupted run is recorded as a failed attempt ("worker interrupted") and queued again
while attempts are left (``CERTIFICATE_MAX_ATTEMPTS``). A failed row with attempts left and
no job waiting is queued again once its backoff is over. With no queue to ask (the
in-process backend, or a row whose job id was never stored) a pending row is queued again
after a grace, and a running one counts as interrupted once it has run longer than its
queue's timeout.

Any number of sweeps may run at once: each row is changed, and its job queued, under a row
lock taken with SKIP LOCKED, and only if it still is as the sweep saw it; a job being drawn
holds its row's lock, so the sweep never touches it.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_rq import RQBackend
from redis import Redis

from academy.errors import RuleViolation
from academy.worker import REDIS_ERRORS, QueueJobState, queue_job_abandon, queue_job_state
from enrollments.models import BackgroundJob
from enrollments.services.certificates.bundles import BUNDLE_JOB
from enrollments.services.certificates.hours_records import HOURS_RECORD_JOB
from enrollments.services.certificates.issuing import CERTIFICATE_JOB
from enrollments.services.exports import EXPORT_JOB
from enrollments.services.jobs import JobKind, job_max_attempts, job_retry_delay
from enrollments.services.notifications import NOTIFICATION_DELIVERY_JOB

logger = logging.getLogger(__name__)

JOB_KINDS: tuple[JobKind, ...] = (
    CERTIFICATE_JOB,
    HOURS_RECORD_JOB,
    BUNDLE_JOB,
    EXPORT_JOB,
    NOTIFICATION_DELIVERY_JOB,
)
# A row queued before job ids were kept is given the queue's old patience.
UNKNOWN_JOB_GRACE = timedelta(minutes=10)

Status = BackgroundJob.JobStatus


def _queue_connection(kind: JobKind) -> Redis | None:
    """The Redis holding the kind's queue, or None when its tasks run in-process."""
    import django_rq

    task = import_string(kind.task_path)
    if not isinstance(task.get_backend(), RQBackend):
        return None
    return django_rq.get_connection(task.queue_name)


def _queue_timeout(kind: JobKind) -> timedelta:
    queue = settings.RQ_QUEUES.get(import_string(kind.task_path).queue_name, {})
    return timedelta(seconds=queue.get("DEFAULT_TIMEOUT", 600) + 60)


def _taken_grace() -> float:
    """How long a job taken from its queue may wait for its worker to begin it."""
    return settings.JOB_SWEEP_GRACE_SECONDS


def _needs_recovery(
    *, kind: JobKind, job: BackgroundJob, state: QueueJobState | None, queued: bool, now: datetime
) -> tuple[bool, bool]:
    """(queue it again?, was its run interrupted?) for one row; ``state`` None: nothing to ask
    about it; ``queued``: its kind goes to a queue (not in-process)."""
    if state is QueueJobState.ALIVE:
        return False, False
    if job.job_status == Status.FAILED:
        backoff_over = job.finished_at is None or (
            job.finished_at + job_retry_delay(attempts=job.attempts) <= now
        )
        return backoff_over, False
    if state is QueueJobState.INTERRUPTED or (
        state is QueueJobState.LOST and job.job_status == Status.RUNNING
    ):
        return True, True
    if state is QueueJobState.LOST:
        return True, False
    if job.job_status == Status.RUNNING:
        stale = job.started_at is None or job.started_at < now - _queue_timeout(kind)
        return stale, stale
    waiting_since = job.last_enqueued_at or job.created_at
    grace = (
        UNKNOWN_JOB_GRACE
        if job.last_enqueued_at and queued
        else timedelta(seconds=settings.JOB_SWEEP_GRACE_SECONDS)
    )
    return waiting_since < now - grace, False


def _recover(
    *, kind: JobKind, job: BackgroundJob, interrupted: bool, connection: Redis | None
) -> bool:
    """Queue the row again if it is still as the sweep saw it; True when it was queued."""
    with transaction.atomic():
        row = (
            kind.model._default_manager.select_for_update(skip_locked=True)
            .filter(
                pk=job.pk,
                job_status=job.job_status,
                attempts=job.attempts,
                last_enqueued_at=job.last_enqueued_at,
                queue_job_id=job.queue_job_id,
            )
            .first()
        )
        if row is None:
            return False
        if interrupted:
            if (
                connection is not None
                and row.queue_job_id
                and not queue_job_abandon(
                    job_id=row.queue_job_id, connection=connection, taken_grace=_taken_grace()
                )
            ):
                return False
            row.mark_failed(_("Worker interrupted"))
            if kind.on_interrupted is not None:
                kind.on_interrupted(row)
            if row.attempts >= job_max_attempts():
                return False
        row.job_status = Status.PENDING
        row.save(update_fields=["job_status"])
        if connection is None:
            kind.enqueue_on_commit(row)
        else:
            # Queued under the lock: another sweep sees the row only with its new job.
            # The task itself waits for this lock, so it never runs before the commit.
            kind.enqueue(row)
    return True


def _kind_sweep(*, kind: JobKind, now: datetime) -> int:
    connection = _queue_connection(kind)
    rows = (
        kind.model._default_manager.filter(kind.sweepable)
        .filter(
            Q(job_status__in=[Status.PENDING, Status.RUNNING])
            | Q(job_status=Status.FAILED, attempts__lt=job_max_attempts())
        )
        .order_by("pk")
    )
    count = 0
    for job in rows.iterator():
        try:
            state = (
                queue_job_state(
                    job_id=job.queue_job_id, connection=connection, taken_grace=_taken_grace()
                )
                if connection is not None and job.queue_job_id
                else None
            )
            again, interrupted = _needs_recovery(
                kind=kind, job=job, state=state, queued=connection is not None, now=now
            )
            if again and _recover(
                kind=kind, job=job, interrupted=interrupted, connection=connection
            ):
                count += 1
        except REDIS_ERRORS:
            logger.warning("The queue cannot be asked about %s jobs now", kind.model._meta.label)
            break
    return count


def job_sweep(*, kinds: Iterable[JobKind] = JOB_KINDS, now: datetime | None = None) -> int:
    """Queue again every job of ``kinds`` that was lost or interrupted; return how many."""
    now = now or timezone.now()
    count = 0
    for kind in kinds:
        if kind.request_missing is not None:
            count += kind.request_missing()
        count += _kind_sweep(kind=kind, now=now)
    return count


def certificate_sweep(*, now: datetime | None = None) -> int:
    """The sweep for certificates alone (``manage.py issue_pending_certificates``)."""
    return job_sweep(kinds=[CERTIFICATE_JOB], now=now)


def job_retry(*, kind: JobKind, job_id: int) -> BackgroundJob:
    """Ask again for a failed job, its attempts counted afresh, and queue it."""
    with transaction.atomic():
        job = kind.model._default_manager.select_for_update().get(pk=job_id)
        if not job.is_failed:
            raise RuleViolation(_("Only a failed job can be tried again."), code="job_not_failed")
        job.mark_pending()
        kind.enqueue_on_commit(job)
    return job
