"""The project's RQ worker: its scheduler also runs the periodic jobs, and it says whether a
queued job is still alive.

``manage.py rqworker ... --with-scheduler`` runs ``SimpleWorker`` (``RQ["WORKER_CLASS"]``;
``--worker-class academy.worker.Worker`` forks a work horse per job instead). Every
worker starts a scheduler process; the one that holds RQ's scheduler lock of a queue moves
that queue's delayed jobs and enqueues the periodic jobs of ``settings.RQ_CRON_CONFIG``
(RQ's own cron format, the same module ``manage.py rqcron`` reads). If that worker dies,
its lock expires and another worker's scheduler takes it over. A scheduler outlives a Redis
outage: it waits and carries on.
"""

import contextlib
import enum
import logging
import os
import sys
import time
from functools import cache
from pathlib import Path
from typing import cast

import redis
from django.conf import settings
from django_rq.cron import DjangoCronScheduler
from rq import SimpleWorker as RQSimpleWorker
from rq import Worker as RQWorker
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.exceptions import NoSuchJobError
from rq.executions import Execution, ExecutionRegistry
from rq.job import Job, JobStatus
from rq.job_lifecycle import record_job_failure
from rq.queue import Queue
from rq.registry import StartedJobRegistry
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.scripts import release_lock
from rq.utils import as_text, str_to_date
from rq.worker import BaseWorker
from rq.worker.base import DequeueStrategy

logger = logging.getLogger(__name__)

# The worker's hash in Redis also names the machine it runs on (see ``machine_identity``).
MACHINE_FIELD = "machine"
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)


@cache
def machine_identity() -> str:
    """This kernel's boot and process namespace: where a worker's process id means something.

    Empty where the system does not tell (then no process id is ever checked).
    """
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return f"{boot}:{os.readlink('/proc/self/ns/pid')}"
    except OSError:
        return ""


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _gone_from_here(pid, machine) -> bool:
    """Whether a process registered in Redis ran on this machine and is no longer there."""
    here = machine_identity()
    return bool(here and machine is not None and as_text(machine) == here) and not (
        _process_exists(int(pid))
    )


def worker_alive(*, name: str, connection: redis.Redis) -> bool:
    """Whether the RQ worker called ``name`` is still there.

    A worker is gone when its key expired or says it died; on this machine it is also gone as
    soon as its process is, without waiting for the key to expire.
    """
    key = BaseWorker.redis_worker_namespace_prefix + name
    pid, death, machine = connection.hmget(key, "pid", "death", MACHINE_FIELD)
    return pid is not None and death is None and not _gone_from_here(pid, machine)


class QueueJobState(enum.Enum):
    ALIVE = "alive"  # waiting, scheduled, or running on a worker that is there
    LOST = "lost"  # no such job, or it ended well: nothing will run it again
    INTERRUPTED = "interrupted"  # it started and did not end well: failed, stopped, worker gone


WAITING = {
    JobStatus.CREATED,
    JobStatus.QUEUED,
    JobStatus.DEFERRED,
    JobStatus.SCHEDULED,
    JobStatus.RATE_LIMITED,
    JobStatus.READY_TO_ENQUEUE,
}
# A job a worker took from its queue and had not yet begun is marked here when first seen so.
TAKEN_KEY = "academy:rq:taken:{job_id}:{enqueued_at}"
TAKEN_KEY_TTL = 24 * 3600


def _executions(*, job_id: str, connection: redis.Redis, since=None) -> list[tuple[str, str]]:
    """(execution id, worker name) of each run of the job RQ still records, begun at or
    after ``since`` (the job's ``enqueued_at``) when given."""
    registry_key = ExecutionRegistry.key_template.format(job_id)
    members = cast(list[bytes], connection.zrange(registry_key, 0, -1))
    execution_ids = [as_text(member) for member in members]
    if not execution_ids:
        return []
    with connection.pipeline(transaction=False) as pipeline:
        for execution_id in execution_ids:
            pipeline.hmget(
                Execution(execution_id, job_id, connection).key, "worker_name", "created_at"
            )
        fields = pipeline.execute()
    threshold = str_to_date(since).timestamp() if since else None
    return [
        (execution_id, as_text(name) if name else "")
        for execution_id, (name, created_at) in zip(execution_ids, fields, strict=True)
        if created_at is not None and (threshold is None or float(created_at) >= threshold)
    ]


def _taken_job_state(
    *, job_id: str, enqueued_at, connection: redis.Redis, grace: float
) -> QueueJobState:
    """A job still marked queued but no longer in its queue: a worker took it. Alive while a
    worker that is there runs it; a run whose worker is gone was interrupted. A worker
    records the run a moment after taking the job; one that died in between left no
    trace but the job's absence, so a job seen so for longer than ``grace`` was lost."""
    names = [
        name
        for _id, name in _executions(job_id=job_id, connection=connection, since=enqueued_at)
        if name
    ]
    if any(worker_alive(name=name, connection=connection) for name in names):
        return QueueJobState.ALIVE
    if names:
        return QueueJobState.INTERRUPTED
    key = TAKEN_KEY.format(job_id=job_id, enqueued_at=as_text(enqueued_at or b""))
    if connection.set(key, time.time(), nx=True, ex=TAKEN_KEY_TTL):
        return QueueJobState.ALIVE
    first_seen = connection.get(key)
    if first_seen is not None and time.time() - float(first_seen) < grace:
        return QueueJobState.ALIVE
    return QueueJobState.INTERRUPTED


def queue_job_state(
    *, job_id: str, connection: redis.Redis, taken_grace: float = 30
) -> QueueJobState:
    """What the queue says of job ``job_id``.

    A job marked queued that is no longer in its queue was taken by a worker, which marks
    it started only once it runs it (in the forking worker, once its work horse has
    started): a worker killed in between leaves the job queued in no queue, which nothing
    would ever run. Such a job is alive only while a worker that is there holds it.
    """
    status, worker_name, origin, enqueued_at = connection.hmget(
        Job.key_for(job_id), "status", "worker_name", "origin", "enqueued_at"
    )
    if status is None:
        return QueueJobState.LOST
    status = JobStatus(as_text(status))
    if status == JobStatus.QUEUED and origin:
        queue_key = Queue.redis_queue_namespace_prefix + as_text(origin)
        if connection.lpos(queue_key, job_id) is None:
            return _taken_job_state(
                job_id=job_id, enqueued_at=enqueued_at, connection=connection, grace=taken_grace
            )
    if status in WAITING:
        return QueueJobState.ALIVE
    if status == JobStatus.STARTED:
        if worker_name and worker_alive(name=as_text(worker_name), connection=connection):
            return QueueJobState.ALIVE
        return QueueJobState.INTERRUPTED
    if status == JobStatus.FINISHED:
        return QueueJobState.LOST
    return QueueJobState.INTERRUPTED


def queue_job_abandon(*, job_id: str, connection: redis.Redis, taken_grace: float = 30) -> bool:
    """Record a job whose worker is gone (started, or taken from its queue and not begun) as
    failed, as RQ's own cleanup of abandoned jobs does, so that asking for the job again
    queues it anew; the runs of gone workers leave RQ's registry of started jobs.

    False when the job turns out to be alive after all: nothing is changed then.
    """
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return True
    if job.get_status(refresh=False) not in (JobStatus.STARTED, JobStatus.QUEUED):
        return True
    state = queue_job_state(job_id=job_id, connection=connection, taken_grace=taken_grace)
    if state is QueueJobState.ALIVE:
        return False
    started = StartedJobRegistry(job.origin, connection=connection)
    gone = [
        (execution_id, name)
        for execution_id, name in _executions(job_id=job_id, connection=connection)
        if not (name and worker_alive(name=name, connection=connection))
    ]
    workers = ", ".join(sorted({name for _id, name in gone if name})) or job.worker_name
    with connection.pipeline() as pipeline:
        for execution_id, name in gone:
            execution = Execution(execution_id, job_id, connection, worker_name=name)
            pipeline.zrem(started.key, execution.composite_key)
            pipeline.zrem(ExecutionRegistry.key_template.format(job_id), execution_id)
            pipeline.delete(execution.key)
        record_job_failure(job, f"Abandoned: its worker {workers or ''} is gone", pipeline)
        pipeline.execute()
    return True


class CronScheduler(RQScheduler):
    """RQ's scheduler, which also enqueues the periodic jobs while it holds their queues' locks.

    Unlike RQ's, it keeps trying for the locks it lacks (so it takes over from a dead
    worker's scheduler once that lock expires), survives Redis going away, and stops when
    its worker is gone.
    """

    def to_dict(self) -> dict:
        return {**super().to_dict(), MACHINE_FIELD: machine_identity()}

    def release_dead_locks(self) -> None:
        """Free the locks of a scheduler on this machine whose process is gone, instead of
        waiting a minute for them to expire."""
        for queue_name in self._queue_names - self.acquired_locks:
            key = self.get_locking_key(queue_name)
            owner = self.connection.get(key)
            if owner is None:
                continue
            owner = as_text(owner)
            pid, machine = self.connection.hmget(
                SCHEDULER_KEY_TEMPLATE % owner, "pid", MACHINE_FIELD
            )
            if pid is not None and _gone_from_here(pid, machine):
                release_lock(self.connection, key, owner)

    def work(self):
        self._install_signal_handlers()
        parent = os.getppid()
        cron = DjangoCronScheduler()
        cron.load_config_from_file(settings.RQ_CRON_CONFIG)
        cron_queues = {job.queue_name for job in cron.get_jobs()}
        while not self._stop_requested and os.getppid() == parent:
            try:
                if self.last_heartbeat is None:
                    self.register_birth()
                if self.acquired_locks != self._queue_names:
                    self.release_dead_locks()
                    self.acquire_locks()
                self.heartbeat()
                self.enqueue_scheduled_jobs()
                if cron_queues and cron_queues <= self.acquired_locks:
                    cron.enqueue_jobs()
            except REDIS_ERRORS as error:
                self.log.warning("Scheduler %s: Redis is away (%s), waiting", self.name, error)
                self._acquired_locks = set()
            time.sleep(self.interval)
        with contextlib.suppress(*REDIS_ERRORS):
            self.stop()


class CronSchedulerMixin:
    """Start ``CronScheduler`` in every worker run with ``--with-scheduler``."""

    def serialize(self) -> dict:
        return {**super().serialize(), MACHINE_FIELD: machine_identity()}  # type: ignore[misc]

    def _start_scheduler(self, burst: bool = False, logging_level=None, *args, **kwargs):
        if burst:
            # A burst worker moves what is due once and stops: RQ's own behaviour.
            return super()._start_scheduler(burst, logging_level, *args, **kwargs)  # type: ignore[misc]
        worker: BaseWorker = self  # type: ignore[assignment]
        worker.scheduler = CronScheduler(
            worker.queues,
            connection=worker.connection,
            logging_level=logging_level or worker.log.level,
            serializer=worker.serializer,
        )
        worker.scheduler.start()


class Worker(CronSchedulerMixin, RQWorker):
    """RQ's forking worker: each job in a work horse of its own, forked for it."""


class SimpleWorker(CronSchedulerMixin, RQSimpleWorker):
    """The project's default worker: jobs run in the worker's own process, so what a job
    loads once (the PDF fonts, templates, database and Redis connections) stays warm for
    the next one.

    A fork per job isolated jobs; here a job that hangs is stopped by its queue's timeout
    (RQ raises in the job, which then fails or retries as any failure), and a worker that
    has run ``WORKER_MAX_JOBS`` jobs, or whose memory grew past ``WORKER_MAX_MEMORY_MIB``,
    starts again as a fresh process of the same command (same process id). A database
    connection a job left unusable is closed before the next job.
    """

    jobs_run = 0
    restart_reason = ""

    def work(
        self,
        burst: bool = False,
        logging_level: str | None = None,
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
        max_jobs: int | None = None,
        max_idle_time: int | None = None,
        with_scheduler: bool = False,
        dequeue_strategy: DequeueStrategy = DequeueStrategy.DEFAULT,
    ) -> bool:
        # An explicit --max-jobs (or --burst) keeps RQ's meaning: stop, do not start again.
        self._restarts = not (max_jobs or burst)
        restart_after = settings.WORKER_MAX_JOBS if self._restarts else 0
        worked = super().work(
            burst,
            logging_level,
            date_format,
            log_format,
            max_jobs=max_jobs or restart_after or None,
            max_idle_time=max_idle_time,
            with_scheduler=with_scheduler,
            dequeue_strategy=dequeue_strategy,
        )
        if self._restarts and restart_after and self.jobs_run >= restart_after:
            self.restart_reason = f"{self.jobs_run} jobs run"
        if self._restarts and self.restart_reason:
            self.log.info("Worker %s: %s, starting again", self.name, self.restart_reason)
            self.restart()
        return worked

    def execute_job(self, job, queue):
        _close_unusable_database_connections()
        try:
            super().execute_job(job, queue)
        finally:
            self.jobs_run += 1
            _close_unusable_database_connections()
        limit = settings.WORKER_MAX_MEMORY_MIB
        if limit and getattr(self, "_restarts", False) and resident_memory_mib() > limit:
            self.restart_reason = f"memory above {limit} MiB"
            self._stop_requested = True  # leave the work loop, as RQ's warm shutdown does

    def restart(self) -> None:
        """Replace this process with a fresh one running the same command."""
        from django.db import connections

        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 - this very command


def _close_unusable_database_connections() -> None:
    """Close the connections a job left broken (as Django does at the end of a request),
    keeping the good ones open for the next job."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not connection.errors_occurred:
            continue
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()


def resident_memory_mib() -> float:
    """This process's resident memory now (Linux), or 0 where the system does not tell."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
