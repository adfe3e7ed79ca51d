"""Certificate jobs against a real Redis, run by an RQ worker in burst mode, and concurrency."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from academy.worker import SimpleWorker
from enrollments.models import Certificate, CertificateSerialCounter
from enrollments.services import recovery
from enrollments.services.certificates import issuing
from enrollments.tasks import certificate_issue_task
from tests.academy import factories
from tests.concurrency import run_in_threads
from tests.enrollments import factories as ef
from tests.enrollments.queueing import needs_redis, queue, run_worker


def certificates_queue():
    return queue("certificates")


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_completion_enqueues_a_job_that_issues_the_certificate(rq_tasks):
    from enrollments.services.completion import enrollment_completion_evaluate

    user = factories.trainee(full_name="李晓明")
    enrollment = ef.enrollment(course=ef.certified_course(), user=user)
    ef.hour_entry(user=user, enrollment=enrollment, hours=4)

    assert enrollment_completion_evaluate(enrollment_id=enrollment.pk)

    assert certificates_queue().count == 1
    queued = Certificate.objects.get()
    assert queued.job_status == Certificate.JobStatus.PENDING
    assert queued.last_enqueued_at is not None
    run_worker()
    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.serial_number.endswith("-N-00001")
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    assert len(mail.outbox) == 1


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_job_is_retried_after_its_backoff_and_then_succeeds(rq_tasks):
    enrollment = ef.completed_enrollment()
    real_render = issuing.render_certificate
    certificate_issue_task.enqueue(enrollment_id=enrollment.pk)

    def fail_once(*args):
        if render.call_count == 1:
            raise OSError("storage away")
        return real_render(*args)

    with mock.patch.object(issuing, "render_certificate", side_effect=fail_once) as render:
        run_worker()
        certificate = Certificate.objects.get()
        assert certificate.job_status == Certificate.JobStatus.FAILED
        assert certificate.attempts == 1 and "storage away" in certificate.error
        assert certificate.serial_number is None
        assert certificate.last_enqueued_at is not None  # the retry was accepted
        assert certificate.queue_job_id == f"certificate-issue-{enrollment.pk}-retry-1"
        assert certificates_queue().scheduled_job_registry.count == 1
        run_worker(with_scheduler=True)

    assert render.call_count == 2
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.serial_number.endswith("-00001")
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert certificates_queue().failed_job_registry.count == 0


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_last_failure_lands_in_the_failed_job_registry(rq_tasks, settings):
    settings.CERTIFICATE_MAX_ATTEMPTS = 2
    enrollment = ef.completed_enrollment()
    certificate_issue_task.enqueue(enrollment_id=enrollment.pk)

    with mock.patch.object(issuing, "render_certificate", side_effect=OSError("broken font")):
        run_worker()
        run_worker(with_scheduler=True)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.job_status == Certificate.JobStatus.FAILED
    assert certificate.attempts == 2
    assert certificates_queue().failed_job_registry.count == 1
    assert certificates_queue().scheduled_job_registry.count == 0


def hang_first(real_render):
    """A render that hangs the first time (a minute's sleep, as a stuck storage would)."""
    calls = []

    def render(*args):
        calls.append(args)
        if len(calls) == 1:
            time.sleep(60)
        return real_render(*args)

    return render


def shorten_timeouts(redis, seconds: int) -> None:
    """The certificate jobs waiting in the queue get a timeout of ``seconds``."""
    from rq.job import Job

    for job_id in certificates_queue().job_ids:
        redis.hset(Job.key_for(job_id), "timeout", seconds)


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hanging_certificate_job_is_stopped_by_its_timeout_and_retried(rq_tasks):
    enrollment = ef.completed_enrollment()
    issuing.certificate_request(enrollment_id=enrollment.pk)
    shorten_timeouts(rq_tasks, 1)

    with mock.patch.object(
        issuing, "render_certificate", side_effect=hang_first(issuing.render_certificate)
    ):
        worker = run_worker()
        certificate = Certificate.objects.get()
        assert certificate.job_status == Certificate.JobStatus.FAILED
        assert certificate.attempts == 1
        assert "JobTimeoutException" in certificate.error
        assert certificate.serial_number is None  # rolled back with the stopped attempt
        assert certificates_queue().scheduled_job_registry.count == 1
        run_worker(with_scheduler=True)

    assert isinstance(worker, SimpleWorker)  # the default: no fork per job
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.serial_number.endswith("-00001")
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert Certificate.objects.count() == 1


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_hanging_on_its_last_attempt_fails_and_the_worker_goes_on(rq_tasks, settings):
    settings.CERTIFICATE_MAX_ATTEMPTS = 1
    stuck, next_one = ef.completed_enrollment(), ef.completed_enrollment(user=factories.trainee())
    issuing.certificate_request(enrollment_id=stuck.pk)
    issuing.certificate_request(enrollment_id=next_one.pk)
    shorten_timeouts(rq_tasks, 1)

    with mock.patch.object(
        issuing, "render_certificate", side_effect=hang_first(issuing.render_certificate)
    ):
        run_worker()

    failed = Certificate.objects.get(enrollment=stuck)
    assert (failed.job_status, failed.attempts) == (Certificate.JobStatus.FAILED, 1)
    assert "JobTimeoutException" in failed.error
    assert certificates_queue().failed_job_registry.count == 1
    issued = Certificate.objects.get(enrollment=next_one)
    assert issued.status == Certificate.Status.ISSUED
    assert issued.serial_number.endswith("-00001")


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_run_again_after_it_finished_issues_no_second_certificate(rq_tasks):
    from rq.job import Job

    enrollment = ef.completed_enrollment()
    certificate = issuing.certificate_request(enrollment_id=enrollment.pk)
    run_worker()
    # The same job queued again once done (a redelivery): it runs again, and changes nothing.
    job = Job.fetch(certificate.queue_job_id, connection=rq_tasks)
    certificates_queue().enqueue_job(job)
    run_worker()

    assert job.get_status(refresh=True) == "finished"
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert (certificate.version, certificate.events.count()) == (1, 2)  # requested, issued
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert len(mail.outbox) == 1


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_job_enqueued_twice_issues_one_certificate(rq_tasks):
    enrollment = ef.completed_enrollment()
    certificate_issue_task.enqueue(enrollment_id=enrollment.pk)
    certificate_issue_task.enqueue(enrollment_id=enrollment.pk)

    run_worker()

    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().status == Certificate.Status.ISSUED
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert len(mail.outbox) == 1


@needs_redis
@pytest.mark.rq
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduled_sweep_certifies_a_completion_whose_job_was_lost(rq_tasks):
    from django_rq.cron import DjangoCronScheduler

    enrollment = ef.completed_enrollment()  # completed without any job, as during a Redis outage
    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("enrollments.cron")
    [cron_job] = [job for job in scheduler.get_jobs() if job.name == "sweep_jobs"]
    cron_job.enqueue(scheduler.connection)

    run_worker()  # the sweep runs and queues the certificate job, which runs in the same burst
    run_worker()

    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.ISSUED


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks under concurrency need PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_concurrent_issue_calls_leave_one_certificate_and_one_serial():
    enrollment = ef.completed_enrollment()
    certificates, errors = run_in_threads(
        lambda _: issuing.certificate_issue(enrollment_id=enrollment.pk), 8
    )
    serials = [certificate.serial_number for certificate in certificates]

    assert errors == []
    assert len(set(serials)) == 1 and len(serials) == 8
    assert Certificate.objects.count() == 1
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert connection.vendor == "postgresql"


# Queueing: the row waits when the broker refuses ------------------------------------------


@pytest.mark.django_db
def test_the_job_is_stamped_queued_only_after_the_backend_accepted_it(
    django_capture_on_commit_callbacks,
):
    enrollment = ef.completed_enrollment()

    with django_capture_on_commit_callbacks(execute=True):
        issuing.certificate_request(enrollment_id=enrollment.pk)
        assert Certificate.objects.get().last_enqueued_at is None

    certificate = Certificate.objects.get()
    assert certificate.last_enqueued_at is not None
    assert certificate.job_status == Certificate.JobStatus.DONE


@pytest.mark.django_db
def test_a_broker_error_leaves_the_row_waiting_for_the_sweep(django_capture_on_commit_callbacks):
    enrollment = ef.completed_enrollment()

    with (
        mock.patch("enrollments.tasks.certificate_issue_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.enqueue.side_effect = ConnectionError("Redis away")
        certificate = issuing.certificate_request(enrollment_id=enrollment.pk)

    task.enqueue.assert_called_once_with(enrollment_id=enrollment.pk)
    certificate.refresh_from_db()
    assert certificate.job_status == Certificate.JobStatus.PENDING
    assert certificate.last_enqueued_at is None

    # Once the request that made it has had its grace, the sweep queues it.
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.certificate_sweep() == 0
        assert recovery.certificate_sweep(now=timezone.now() + timedelta(minutes=1)) == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.last_enqueued_at is not None


@pytest.mark.django_db
def test_a_broker_error_does_not_fail_the_hours_record_request(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from enrollments.models import HoursRecord

    user = ef.completed_enrollment().user
    client.force_login(user)

    with (
        mock.patch("enrollments.tasks.hours_record_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.enqueue.side_effect = ConnectionError("Redis away")
        response = client.post(
            reverse("certificates:hours_records"),
            {"period_start": "2024-01-01", "period_end": "2026-12-31"},
        )

    assert response.status_code == 302
    record = HoursRecord.objects.get()
    task.enqueue.assert_called_once_with(record_id=record.pk)
    assert record.job_status == HoursRecord.JobStatus.PENDING
    assert record.last_enqueued_at is None


@pytest.mark.django_db
def test_a_bundle_is_queued_on_commit_and_stamped(admin_user, django_capture_on_commit_callbacks):
    from enrollments.models import CertificateBundle
    from enrollments.services.certificates.bundles import certificate_bundle_request

    enrollment = ef.completed_enrollment()
    issuing.certificate_issue(enrollment_id=enrollment.pk)

    with (
        mock.patch("enrollments.tasks.certificate_bundle_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        bundle = certificate_bundle_request(actor=admin_user, course_id=enrollment.course_id)
        task.enqueue.assert_not_called()

    task.enqueue.assert_called_once_with(bundle_id=bundle.pk)
    bundle = CertificateBundle.objects.get()
    assert bundle.job_status == CertificateBundle.JobStatus.PENDING
    assert bundle.last_enqueued_at is not None


def test_every_task_path_the_services_queue_names_a_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    from enrollments.services import exports
    from enrollments.services.certificates import bundles, hours_records

    paths = [
        issuing.ISSUE_TASK,
        bundles.BUNDLE_TASK,
        hours_records.HOURS_RECORD_TASK,
        exports.EXPORT_TASK,
    ]
    assert all(isinstance(import_string(path), Task) for path in paths)
