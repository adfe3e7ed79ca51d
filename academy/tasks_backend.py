"""Queueing a task under an id of the caller's choosing, at most one job per id at a time.

django-tasks-rq gives every RQ job a random id, so asking twice for the same work
queues it twice. ``RQBackend.enqueue_unique`` queues the task under a given id
instead, and does nothing when a job with that id (or one of ``other_ids``) is
still waiting or running. The check and the enqueue are one Redis transaction
(WATCH on the job keys, then MULTI/EXEC): when another process queues the same
id, or a worker changes that job, in between, the transaction is refused and the
check runs again.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import django_rq
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks_rq import backend as rq_backend
from redis.exceptions import WatchError
from rq.job import Callback, JobStatus
from rq.registry import CanceledJobRegistry, FailedJobRegistry, FinishedJobRegistry
from rq.results import Result

# A job in one of these states will still run (or is running): asking again adds nothing.
ACTIVE_STATUSES = frozenset(
    status.value
    for status in (
        JobStatus.QUEUED,
        JobStatus.STARTED,
        JobStatus.DEFERRED,
        JobStatus.SCHEDULED,
        JobStatus.RATE_LIMITED,
        JobStatus.READY_TO_ENQUEUE,
    )
)
# Where a finished, failed or cancelled job is listed; a job queued again under its id
# leaves them, so the dashboard does not show it as done while it waits.
ENDED_REGISTRIES = (FinishedJobRegistry, FailedJobRegistry, CanceledJobRegistry)


@dataclass(frozen=True)
class QueuedJob:
    """The id of the job that will do the work, and whether this call queued it."""

    job_id: str
    created: bool


class RQBackend(rq_backend.RQBackend):
    """django-tasks-rq's backend, able to queue a task under a deterministic job id."""

    def enqueue_unique(
        self,
        task: Task,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        *,
        job_id: str,
        other_ids: Sequence[str] = (),
    ) -> QueuedJob:
        """Queue ``task`` as job ``job_id`` unless that job or one of ``other_ids`` is active.

        A finished, failed, cancelled or missing job of that id is replaced. Broker
        errors are raised: the caller decides what a refusal means.
        """
        self.validate_task(task)
        queue = django_rq.get_queue(task.queue_name, job_class=rq_backend.Job)
        watched = [job_id, *(other for other in other_ids if other and other != job_id)]
        keys = [rq_backend.Job.key_for(watched_id) for watched_id in watched]
        with queue.connection.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(*keys)
                    for watched_id, key in zip(watched, keys, strict=True):
                        if _text(pipe.hget(key, "status")) in ACTIVE_STATUSES:
                            return QueuedJob(job_id=watched_id, created=False)
                    origin = _text(pipe.hget(keys[0], "origin"))
                    pipe.multi()
                    self._forget_ended_job(pipe, job_id=job_id, origin=origin, queue=queue)
                    job = queue.create_job(
                        task.module_path,
                        args=list(args),
                        kwargs=kwargs,
                        job_id=job_id,
                        status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
                        on_failure=Callback(rq_backend.failed_callback),
                        on_success=Callback(rq_backend.success_callback),
                        meta={"backend_name": self.alias},
                    )
                    if task.run_after is None:
                        queue.enqueue_job(
                            job, pipeline=pipe, at_front=task.priority == TASK_MAX_PRIORITY
                        )
                    else:
                        queue.schedule_job(job, task.run_after, pipeline=pipe)
                    pipe.execute()
                    break
                except WatchError:
                    continue
        task_enqueued.send(
            type(self),
            task_result=TaskResult(
                task=task,
                id=job_id,
                status=TaskResultStatus.READY,
                enqueued_at=job.enqueued_at,
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=list(args),
                kwargs=kwargs,
                backend=self.alias,
                errors=[],
                worker_ids=[],
            ),
        )
        return QueuedJob(job_id=job_id, created=True)

    @staticmethod
    def _forget_ended_job(pipe, *, job_id: str, origin: str | None, queue) -> None:
        """Queue on ``pipe`` the removal of an ended job's hash, results and registry entries."""
        pipe.delete(rq_backend.Job.key_for(job_id), Result.get_key(job_id))
        names = {queue.name, origin} if origin else {queue.name}
        for name in names:
            for registry_class in ENDED_REGISTRIES:
                pipe.zrem(registry_class(name=name, connection=queue.connection).key, job_id)


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def task_enqueue_unique(
    task: Task, *, job_id: str, other_ids: Sequence[str] = (), kwargs: dict[str, Any]
) -> QueuedJob:
    """Queue ``task`` once under ``job_id`` on a backend that names its jobs (RQ); elsewhere
    (in-process, tests' dummy) enqueue it as the backend does, as ``job_id``."""
    backend = task.get_backend()
    if isinstance(backend, RQBackend):
        return backend.enqueue_unique(task, (), kwargs, job_id=job_id, other_ids=other_ids)
    task.enqueue(**kwargs)
    return QueuedJob(job_id=job_id, created=True)
