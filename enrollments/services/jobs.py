"""Queueing background jobs, and how a job that failed is tried again.

A service creates the job's row in its own transaction and calls
``job_enqueue_on_commit``; the task is found by its dotted path, so services never
import ``enrollments.tasks`` (which imports them).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from academy.errors import RuleViolation
from academy.tasks_backend import task_enqueue_unique
from enrollments.models import BackgroundJob

logger = logging.getLogger(__name__)


def job_queue_id(*, job: BackgroundJob, retry: bool = False) -> str:
    """The queue's id for the row's job: its key, or for a retry after a failed attempt
    (queued by the attempt's own, still running, job) the key and the attempt."""
    key = job.queue_job_key()
    return f"{key}-retry-{job.attempts}" if retry else key


def job_enqueue(
    *, job: BackgroundJob, task_path: str, run_after: datetime | None = None, **kwargs
) -> bool:
    """Queue the task now under the row's deterministic id; True once the broker has it.

    Asking again while that job (or the one last recorded on the row) is queued,
    scheduled or running queues nothing more and counts as accepted. A delayed
    retry (``run_after``) gets an id of its own. ``last_enqueued_at`` is stamped only
    when the broker accepted a new job, ``queue_job_id`` whenever the broker holds the
    row's job. A broker error is logged and returns False: the row stays as it was,
    for the sweep.
    """
    retry = run_after is not None
    queue_job_id = job_queue_id(job=job, retry=retry)
    try:
        task = import_string(task_path)
        if retry:
            task = task.using(run_after=run_after)
        queued = task_enqueue_unique(
            task,
            job_id=queue_job_id,
            other_ids=() if retry else (job.queue_job_id,),
            kwargs=kwargs,
        )
    except Exception:
        logger.exception("Could not queue %s for %s %s", task_path, job._meta.label, job.pk)
        return False
    stamps: dict[str, object] = {"queue_job_id": queued.job_id}
    if queued.created:
        stamps["last_enqueued_at"] = timezone.now()
    for field, value in stamps.items():
        setattr(job, field, value)
    type(job)._default_manager.filter(pk=job.pk).update(**stamps)
    return True


def job_enqueue_on_commit(*, job: BackgroundJob, task_path: str, **kwargs) -> None:
    """Queue the task for ``job`` once the current transaction commits (at once outside one).

    The request that asked has committed by then, whatever the broker says.
    """
    transaction.on_commit(partial(job_enqueue, job=job, task_path=task_path, **kwargs), robust=True)


@dataclass(frozen=True)
class FailureOutcome:
    """What a failed attempt leaves: the count so far and, when it is retried, after how long."""

    attempts: int
    retry_after: timedelta | None
    job: BackgroundJob | None = None


def job_max_attempts() -> int:
    return settings.CERTIFICATE_MAX_ATTEMPTS


def job_retry_delay(*, attempts: int) -> timedelta:
    """Backoff before the next try after ``attempts`` failures."""
    steps = settings.CERTIFICATE_RETRY_BACKOFF_SECONDS
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1] if steps else 0)


def job_failure_outcome(*, job: BackgroundJob, error: BaseException) -> FailureOutcome:
    """Try again after a backoff, unless attempts ran out or a rule refused the job."""
    attempts = job.attempts
    if attempts >= job_max_attempts() or isinstance(error, RuleViolation):
        return FailureOutcome(attempts=attempts, retry_after=None, job=job)
    return FailureOutcome(
        attempts=attempts, retry_after=job_retry_delay(attempts=attempts), job=job
    )


@dataclass(frozen=True)
class JobKind:
    """How one kind of job row is queued again, by the sweep and by the Retry button.

    Each service that owns a kind of job declares one; ``services.recovery`` lists them.
    """

    model: type[BackgroundJob]
    task_path: str
    # The task's keyword arguments for a row.
    task_arguments: Callable[[Any], dict[str, Any]]
    # Rows the sweep may queue again at all (certificates: while the enrolment is completed).
    sweepable: Q = Q()
    # Called, in the same transaction, once a run is recorded as interrupted.
    on_interrupted: Callable[[Any], None] | None = None
    # Asks for the rows that should exist and do not; returns how many it asked for.
    request_missing: Callable[[], int] | None = None

    def enqueue(self, job: BackgroundJob) -> bool:
        return job_enqueue(job=job, task_path=self.task_path, **self.task_arguments(job))

    def enqueue_on_commit(self, job: BackgroundJob) -> None:
        job_enqueue_on_commit(job=job, task_path=self.task_path, **self.task_arguments(job))
