"""The sweep that queues again every kind of job whose queue job is gone, and Retry."""

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from academy.errors import RuleViolation
from academy.worker import MACHINE_FIELD, QueueJobState, machine_identity, queue_job_state
from enrollments.models import (
    AttendanceExport,
    BackgroundJob,
    Certificate,
    CertificateBundle,
    CertificateEvent,
    Enrollment,
    HoursRecord,
    NotificationDelivery,
)
from enrollments.services import recovery
from enrollments.services.certificates import issuing
from tests.concurrency import run_in_threads
from tests.enrollments import factories as ef
from tests.enrollments.queueing import needs_redis, queue, run_worker

Status = BackgroundJob.JobStatus
KINDS = [Certificate, HoursRecord, CertificateBundle, AttendanceExport, NotificationDelivery]
by_model = {kind.model: kind for kind in recovery.JOB_KINDS}


def later() -> datetime:
    """A minute from now: past the grace of a job just asked for."""
    return timezone.now() + timedelta(minutes=1)


def queue_of(model) -> str:
    from django.utils.module_loading import import_string

    return import_string(by_model[model].task_path).queue_name


def test_every_kind_of_job_row_is_swept():
    assert set(by_model) == {
        model for model in BackgroundJob.__subclasses__() if not model._meta.abstract
    }


# In-process: nothing to ask, waiting rows are just run ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", KINDS)
def test_a_pending_job_never_queued_is_run_after_its_grace(
    model, django_capture_on_commit_callbacks
):
    job = ef.job_row(model)

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.job_sweep(kinds=[by_model[model]]) == 0
        assert recovery.job_sweep(kinds=[by_model[model]], now=later()) == 1

    job.refresh_from_db()
    assert job.job_status == Status.DONE
    assert job.attempts == 0


@pytest.mark.django_db
@pytest.mark.parametrize("model", KINDS)
def test_a_job_running_longer_than_its_queue_allows_is_failed_and_run_again(
    model, django_capture_on_commit_callbacks
):
    started = timezone.now() - timedelta(minutes=30)
    job = ef.job_row(model, job_status=Status.RUNNING, started_at=started)
    fresh = ef.job_row(model, job_status=Status.RUNNING, started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.job_sweep(kinds=[by_model[model]]) == 1

    job.refresh_from_db()
    assert job.job_status == Status.DONE
    assert job.attempts == 1
    fresh.refresh_from_db()
    assert fresh.job_status == Status.RUNNING


@pytest.mark.django_db
@pytest.mark.parametrize("model", KINDS)
def test_done_rows_are_left_alone(model, django_capture_on_commit_callbacks):
    job = ef.job_row(model, job_status=Status.DONE, started_at=timezone.now() - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert recovery.job_sweep(kinds=[by_model[model]], now=later() + timedelta(days=1)) == 0

    assert callbacks == []
    job.refresh_from_db()
    assert (job.job_status, job.attempts, job.last_enqueued_at) == (Status.DONE, 0, None)


@pytest.mark.django_db
def test_a_failed_job_waits_for_its_backoff_and_stops_at_the_attempts_limit(
    settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_RETRY_BACKOFF_SECONDS = [600]
    settings.CERTIFICATE_MAX_ATTEMPTS = 3
    now = timezone.now()
    job = ef.job_row(AttendanceExport, job_status=Status.FAILED, attempts=1, finished_at=now)
    spent = ef.job_row(AttendanceExport, job_status=Status.FAILED, attempts=3, finished_at=now)
    kinds = [by_model[AttendanceExport]]

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.job_sweep(kinds=kinds, now=now + timedelta(minutes=5)) == 0
        assert recovery.job_sweep(kinds=kinds, now=now + timedelta(minutes=11)) == 1

    job.refresh_from_db()
    assert (job.job_status, job.attempts) == (Status.DONE, 1)
    spent.refresh_from_db()
    assert (spent.job_status, spent.attempts) == (Status.FAILED, 3)


@pytest.mark.django_db
def test_a_certificate_of_an_enrolment_no_longer_completed_is_not_swept(
    django_capture_on_commit_callbacks,
):
    certificate = ef.job_row(Certificate)
    Enrollment.objects.filter(pk=certificate.enrollment_id).update(
        status=Enrollment.Status.WITHDRAWN
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.job_sweep(now=later()) == 0
    certificate.refresh_from_db()
    assert certificate.job_status == Status.PENDING


# With RQ: the sweep asks the queue about each row's job ------------------------------------


def fake_queue_job(redis, job_id, *, waiting: bool = False, **fields):
    """An RQ job in the state ``fields`` say; ``waiting``: in the default queue's list."""
    from rq.job import Job
    from rq.queue import Queue

    Job.create("builtins.print", id=job_id, connection=redis, origin="default").save()
    redis.hset(Job.key_for(job_id), mapping=fields)
    if waiting:
        redis.rpush(Queue("default", connection=redis).key, job_id)


def fake_worker(redis, name, *, pid):
    redis.hset(f"rq:worker:{name}", mapping={"pid": pid, MACHINE_FIELD: machine_identity()})


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return child.pid


@needs_redis
@pytest.mark.rq
def test_the_queue_says_which_jobs_are_alive(rq_tasks):
    redis = rq_tasks
    fake_worker(redis, "here", pid=os.getpid())
    fake_worker(redis, "dead", pid=dead_pid())
    fake_queue_job(redis, "waiting", status="queued", waiting=True)
    fake_queue_job(redis, "scheduled", status="scheduled")
    fake_queue_job(redis, "working", status="started", worker_name="here")
    fake_queue_job(redis, "orphaned", status="started", worker_name="dead")
    fake_queue_job(redis, "unknown-worker", status="started", worker_name="nobody")
    fake_queue_job(redis, "failed", status="failed")
    fake_queue_job(redis, "finished", status="finished")

    states = {
        job_id: queue_job_state(job_id=job_id, connection=redis)
        for job_id in (
            "waiting",
            "scheduled",
            "working",
            "orphaned",
            "unknown-worker",
            "failed",
            "finished",
            "missing",
        )
    }

    assert states == {
        "waiting": QueueJobState.ALIVE,
        "scheduled": QueueJobState.ALIVE,
        "working": QueueJobState.ALIVE,
        "orphaned": QueueJobState.INTERRUPTED,
        "unknown-worker": QueueJobState.INTERRUPTED,
        "failed": QueueJobState.INTERRUPTED,
        "finished": QueueJobState.LOST,
        "missing": QueueJobState.LOST,
    }


rq_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def worker_taking_the_next_job(redis, *, begin: bool):
    """A real worker takes the next certificate job from its queue, as RQ's forking worker
    does before it forks; with ``begin`` it also records the run, as it does just before the
    fork. Then its process is gone: the job is still marked queued, in no queue."""
    import django_rq

    from academy.worker import Worker

    worker = Worker([django_rq.get_queue("certificates")], connection=redis)
    worker.register_birth()
    job, _queue = worker.dequeue_job_and_maintain_ttl(timeout=1)
    if begin:
        worker.prepare_execution(job)
    redis.hset(worker.key, "pid", dead_pid())
    assert job.get_status(refresh=True) == "queued"
    return job


@pytest.mark.skipif(not machine_identity(), reason="needs /proc to tell processes apart")
@needs_redis
@pytest.mark.rq
@rq_db
def test_a_certificate_job_whose_worker_died_before_marking_it_started_is_queued_again(
    rq_tasks,
):
    enrollment = ef.completed_enrollment()
    certificate = issuing.certificate_request(enrollment_id=enrollment.pk)
    job = worker_taking_the_next_job(rq_tasks, begin=True)
    started = queue("certificates").started_job_registry
    assert started.count == 1

    assert queue_job_state(job_id=job.id, connection=rq_tasks) == QueueJobState.INTERRUPTED
    assert recovery.job_sweep() == 1

    certificate.refresh_from_db()
    assert (certificate.job_status, certificate.attempts) == (Status.PENDING, 1)
    assert certificate.events.filter(note="工作进程中断").count() == 1
    assert started.count == 0  # the dead worker's run is forgotten
    run_worker()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert Certificate.objects.count() == 1
    assert recovery.job_sweep() == 0


@pytest.mark.skipif(not machine_identity(), reason="needs /proc to tell processes apart")
@needs_redis
@pytest.mark.rq
@rq_db
def test_a_job_taken_by_a_worker_that_died_at_once_is_queued_again_after_the_grace(
    rq_tasks, settings
):
    settings.JOB_SWEEP_GRACE_SECONDS = 0
    certificate = issuing.certificate_request(enrollment_id=ef.completed_enrollment().pk)
    job = worker_taking_the_next_job(rq_tasks, begin=False)

    # First seen taken and not begun: its worker may be about to begin it.
    assert recovery.job_sweep() == 0
    assert queue_job_state(job_id=job.id, connection=rq_tasks, taken_grace=0) == (
        QueueJobState.INTERRUPTED
    )
    assert queue_job_state(job_id=job.id, connection=rq_tasks, taken_grace=60) == (
        QueueJobState.ALIVE
    )
    assert recovery.job_sweep() == 1

    run_worker()
    certificate.refresh_from_db()
    assert (certificate.status, certificate.attempts) == (Certificate.Status.ISSUED, 1)


@needs_redis
@pytest.mark.rq
@rq_db
def test_a_job_waiting_in_its_queue_is_alive_however_long_it_waits(rq_tasks, settings):
    settings.JOB_SWEEP_GRACE_SECONDS = 0
    certificate = issuing.certificate_request(enrollment_id=ef.completed_enrollment().pk)

    for _ in range(3):
        assert queue_job_state(
            job_id=certificate.queue_job_id, connection=rq_tasks, taken_grace=0
        ) == (QueueJobState.ALIVE)
    assert recovery.job_sweep(now=later()) == 0
    assert queue("certificates").count == 1


@needs_redis
@pytest.mark.rq
@rq_db
@pytest.mark.parametrize("model", KINDS)
def test_a_running_job_whose_queue_job_is_gone_is_failed_and_queued_again(rq_tasks, model):
    job = ef.job_row(
        model, job_status=Status.RUNNING, started_at=timezone.now(), queue_job_id="gone-1"
    )
    ef.job_row(model, job_status=Status.RUNNING, started_at=timezone.now(), queue_job_id="alive")
    fake_queue_job(rq_tasks, "alive", status="queued")

    assert recovery.job_sweep(kinds=[by_model[model]]) == 1

    job.refresh_from_db()
    assert (job.job_status, job.attempts, job.error) == (Status.PENDING, 1, "工作进程中断")
    assert job.last_enqueued_at is not None
    assert queue(queue_of(model)).count == 1
    run_worker()
    job.refresh_from_db()
    assert job.job_status == Status.DONE


@needs_redis
@pytest.mark.rq
@rq_db
def test_a_pending_certificate_whose_worker_died_counts_an_attempt_in_its_history(rq_tasks):
    certificate = ef.job_row(Certificate, queue_job_id="issue-1")
    fake_worker(rq_tasks, "dead", pid=dead_pid())
    fake_queue_job(rq_tasks, "issue-1", status="started", worker_name="dead")

    assert recovery.job_sweep() == 1

    certificate.refresh_from_db()
    assert (certificate.job_status, certificate.attempts) == (Status.PENDING, 1)
    assert rq_tasks.hget("rq:job:issue-1", "status") == b"failed"  # as RQ records abandoned jobs
    assert certificate.events.filter(
        kind=CertificateEvent.Kind.FAILED, note="工作进程中断"
    ).exists()
    run_worker()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


@needs_redis
@pytest.mark.rq
@rq_db
def test_pending_jobs_whose_queue_job_is_lost_are_queued_again_without_an_attempt(rq_tasks):
    lost = ef.job_row(HoursRecord, queue_job_id="lost", last_enqueued_at=timezone.now())
    waiting = ef.job_row(HoursRecord, queue_job_id="waiting", last_enqueued_at=timezone.now())
    fake_queue_job(rq_tasks, "waiting", status="queued")

    assert recovery.job_sweep(kinds=[by_model[HoursRecord]]) == 1

    lost.refresh_from_db()
    assert (lost.job_status, lost.attempts) == (Status.PENDING, 0)
    assert queue("certificates").count == 1
    waiting.refresh_from_db()
    assert waiting.last_enqueued_at < lost.last_enqueued_at


@needs_redis
@pytest.mark.rq
@rq_db
def test_an_interrupted_job_on_its_last_attempt_stays_failed(rq_tasks, settings):
    settings.CERTIFICATE_MAX_ATTEMPTS = 2
    export = ef.job_row(
        AttendanceExport,
        job_status=Status.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        queue_job_id="gone",
    )

    assert recovery.job_sweep() == 0
    assert recovery.job_sweep() == 0

    export.refresh_from_db()
    assert (export.job_status, export.attempts, export.error) == (Status.FAILED, 2, "工作进程中断")
    assert queue("default").count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@needs_redis
@pytest.mark.rq
@rq_db
def test_sweeps_running_at_once_recover_each_job_once(rq_tasks):
    exports = [
        ef.job_row(
            AttendanceExport,
            job_status=Status.RUNNING,
            started_at=timezone.now(),
            queue_job_id=f"gone-{number}",
        )
        for number in range(6)
    ]
    counts, errors = run_in_threads(lambda _: recovery.job_sweep(), 4)

    assert errors == []
    assert sum(counts) == 6
    for export in exports:
        export.refresh_from_db()
        assert (export.job_status, export.attempts) == (Status.PENDING, 1)


# Retry --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", KINDS)
def test_retry_asks_again_for_a_failed_job_with_attempts_afresh(
    model, django_capture_on_commit_callbacks
):
    job = ef.job_row(model, job_status=Status.FAILED, attempts=5, error="OSError: disk full")

    with django_capture_on_commit_callbacks() as callbacks:
        retried = recovery.job_retry(kind=by_model[model], job_id=job.pk)
        assert (retried.job_status, retried.attempts) == (Status.PENDING, 0)
    assert len(callbacks) == 1
    callbacks[0]()

    job.refresh_from_db()
    assert job.job_status == Status.DONE


@pytest.mark.django_db
def test_only_a_failed_job_can_be_retried():
    job = ef.job_row(AttendanceExport, job_status=Status.RUNNING)

    with pytest.raises(RuleViolation) as refusal:
        recovery.job_retry(kind=by_model[AttendanceExport], job_id=job.pk)

    assert refusal.value.code == "job_not_failed"
    job.refresh_from_db()
    assert job.job_status == Status.RUNNING


@pytest.mark.django_db
def test_the_sweep_jobs_command_sweeps_every_kind(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command
    from django.utils import translation

    export = ef.job_row(AttendanceExport)
    AttendanceExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    ef.completed_enrollment()  # no certificate row yet
    stdout = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        call_command("sweep_jobs", stdout=stdout)

    assert stdout.getvalue() == "Queued 2 job(s) again.\n"
    export.refresh_from_db()
    assert export.job_status == Status.DONE
    assert Certificate.objects.get().status == Certificate.Status.ISSUED
