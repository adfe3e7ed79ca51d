"""One RQ job per job row: asking again, at once or later, queues nothing more while it waits."""

from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone
from django_rq.queues import DjangoRQ

from academy import tasks_backend
from enrollments.models import Certificate
from enrollments.services.certificates.issuing import ISSUE_TASK, certificate_request
from enrollments.services.jobs import job_enqueue
from enrollments.tasks import certificate_issue_task
from tests.concurrency import run_in_threads
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db(transaction=True)

QUEUES = ("default", "certificates")
REGISTRIES = ("scheduled", "wip", "finished", "failed", "deferred", "canceled")


def queued_job_ids(url: str) -> list[str]:
    """Every job id on the queues and in their registries, once per place it is listed."""
    client = redis.Redis.from_url(url, decode_responses=True)
    ids = []
    for queue in QUEUES:
        ids += client.lrange(f"rq:queue:{queue}", 0, -1)
        for registry in REGISTRIES:
            ids += [
                member.split(":")[0] for member in client.zrange(f"rq:{registry}:{queue}", 0, -1)
            ]
    return ids


def run_worker():
    import django_rq
    from rq import SimpleWorker

    django_rq.get_worker(*QUEUES, worker_class=SimpleWorker).work(burst=True)


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="concurrent requests, each on its own connection, need PostgreSQL",
)
def test_five_concurrent_requests_for_one_certificate_queue_one_job(faulty_redis):
    enrollment = ef.completed_enrollment()
    _, errors = run_in_threads(lambda _: certificate_request(enrollment_id=enrollment.pk), 5)

    assert errors == []
    certificate = Certificate.objects.get()
    assert queued_job_ids(faulty_redis.url) == [f"certificate-issue-{enrollment.pk}"]
    assert certificate.queue_job_id == f"certificate-issue-{enrollment.pk}"
    assert certificate.last_enqueued_at is not None


def test_asking_five_times_queues_one_job_and_stamps_it_once(faulty_redis):
    enrollment = ef.completed_enrollment()
    first = certificate_request(enrollment_id=enrollment.pk)
    first.refresh_from_db()

    for _ in range(4):
        certificate_request(enrollment_id=enrollment.pk)

    assert queued_job_ids(faulty_redis.url) == [first.queue_job_key()]
    certificate = Certificate.objects.get()
    assert certificate.queue_job_id == first.queue_job_key()
    assert certificate.last_enqueued_at == first.last_enqueued_at


def test_a_job_queued_between_the_check_and_the_enqueue_is_not_queued_twice(faulty_redis):
    """Another process queues the same id just after this one found none: the Redis
    transaction is refused, the check runs again and finds the other's job."""
    certificate = certificate_request(enrollment_id=ef.completed_enrollment().pk)
    queue = redis.Redis.from_url(faulty_redis.url)
    queue.flushdb()
    job_id = certificate.queue_job_key()
    task = certificate_issue_task
    backend = task.get_backend()
    real_create_job = DjangoRQ.create_job
    rival = {}

    def create_job_after_a_rival(self, *args, **kwargs):
        if not rival:
            rival["started"] = True
            rival["queued"] = backend.enqueue_unique(
                task, (), {"enrollment_id": certificate.enrollment_id}, job_id=job_id
            )
        return real_create_job(self, *args, **kwargs)

    with mock.patch.object(DjangoRQ, "create_job", create_job_after_a_rival):
        queued = backend.enqueue_unique(
            task, (), {"enrollment_id": certificate.enrollment_id}, job_id=job_id
        )

    assert rival["queued"].created is True
    assert queued == tasks_backend.QueuedJob(job_id=job_id, created=False)
    assert queued_job_ids(faulty_redis.url) == [job_id]


def _certificate_jobs(url: str) -> list[str]:
    return [job_id for job_id in queued_job_ids(url) if job_id.startswith("certificate-")]


def test_a_finished_job_may_be_queued_again_under_its_id(faulty_redis):
    certificate = certificate_request(enrollment_id=ef.completed_enrollment().pk)
    run_worker()
    certificate.refresh_from_db()
    assert certificate.is_done
    # Finished; the notice of the certificate sent its e-mail as a job of its own.
    assert _certificate_jobs(faulty_redis.url) == [certificate.queue_job_key()]

    certificate.mark_pending()
    certificate_request(enrollment_id=certificate.enrollment_id)

    assert _certificate_jobs(faulty_redis.url) == [certificate.queue_job_key()]
    client = redis.Redis.from_url(faulty_redis.url)
    assert client.llen("rq:queue:certificates") == 1
    assert client.hget(f"rq:job:{certificate.queue_job_key()}", "status") == b"queued"


def test_a_scheduled_retry_counts_as_the_rows_job(faulty_redis):
    certificate = certificate_request(enrollment_id=ef.completed_enrollment().pk)
    redis.Redis.from_url(faulty_redis.url).flushdb()
    certificate.refresh_from_db()
    certificate.mark_failed(OSError("storage away"))

    assert job_enqueue(
        job=certificate,
        task_path=ISSUE_TASK,
        run_after=timezone.now() + timedelta(minutes=2),
        enrollment_id=certificate.enrollment_id,
    )
    retry_id = f"{certificate.queue_job_key()}-retry-1"
    certificate.refresh_from_db()
    assert certificate.queue_job_id == retry_id

    assert job_enqueue(
        job=certificate, task_path=ISSUE_TASK, enrollment_id=certificate.enrollment_id
    )
    assert queued_job_ids(faulty_redis.url) == [retry_id]
