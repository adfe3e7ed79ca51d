"""The project's RQ worker: its scheduler also runs the periodic jobs, and it says whether a
queued job is still alive.

``manage.py rqworker ... --with-scheduler`` runs ``Worker`` (``RQ["WORKER_CLASS"]``). Every
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
import time
from functools import cache
from pathlib import Path

import redis
from django.conf import settings
from django_rq.cron import DjangoCronScheduler
from rq import SimpleWorker as RQSimpleWorker
from rq import Worker as RQWorker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.job_lifecycle import record_job_failure
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.scripts import release_lock
from rq.utils import as_text
from rq.worker import BaseWorker

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


def queue_job_state(*, job_id: str, connection: redis.Redis) -> QueueJobState:
    status, worker_name = connection.hmget(Job.key_for(job_id), "status", "worker_name")
    if status is None:
        return QueueJobState.LOST
    status = JobStatus(as_text(status))
    if status in WAITING:
        return QueueJobState.ALIVE
    if status == JobStatus.STARTED:
        if worker_name and worker_alive(name=as_text(worker_name), connection=connection):
            return QueueJobState.ALIVE
        return QueueJobState.INTERRUPTED
    if status == JobStatus.FINISHED:
        return QueueJobState.LOST
    return QueueJobState.INTERRUPTED


def queue_job_abandon(*, job_id: str, connection: redis.Redis) -> None:
    """Record a started job whose worker is gone as failed, as RQ's own cleanup of abandoned
    jobs does, so that asking for the job again queues it anew."""
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return
    if job.get_status(refresh=False) != JobStatus.STARTED:
        return
    with connection.pipeline() as pipeline:
        record_job_failure(job, f"Abandoned: its worker {job.worker_name} is gone", pipeline)
        pipeline.execute()


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
    """RQ's forking worker (each job in its own process)."""


class SimpleWorker(CronSchedulerMixin, RQSimpleWorker):
    """RQ's worker that runs jobs in its own process (faster, less isolated)."""
