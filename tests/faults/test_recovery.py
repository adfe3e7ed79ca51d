"""Recovery without a person: real worker processes, started as ``make worker`` starts them,
get back what a Redis outage or a ``kill -9`` lost, through their own scheduler's sweep."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from enrollments.models import (
    Attendance,
    AttendanceExport,
    BackgroundJob,
    Certificate,
    CertificateSerialCounter,
)
from enrollments.services.certificates.issuing import certificate_request
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.exports import attendance_export_request
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef
from tests.faults.conftest import wait_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes need the PostgreSQL test database",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = BackgroundJob.JobStatus


def started_jobs(queue_name: str) -> int:
    import django_rq

    return django_rq.get_queue(queue_name).started_job_registry.count


def test_a_completion_during_a_redis_outage_is_certified_once_redis_is_back(faulty_redis, workers):
    worker = workers.start()
    user = people.trainee(full_name="李晓明")
    enrollment = ef.enrollment(course=ef.certified_course(), user=user)
    ef.hour_entry(user=user, enrollment=enrollment, hours=4)

    faulty_redis.kill()
    assert enrollment_completion_evaluate(enrollment_id=enrollment.pk)
    certificate = Certificate.objects.get()
    assert (certificate.job_status, certificate.last_enqueued_at) == (Status.PENDING, None)

    faulty_redis.start()  # empty: nothing of the lost job is left

    def issued():
        """the certificate is issued"""
        return Certificate.objects.filter(status=Certificate.Status.ISSUED).first()

    certificate = wait_for(issued, timeout=60)
    assert worker.poll() is None  # the same worker, which outlived the outage
    assert Certificate.objects.count() == 1
    assert certificate.version == 1
    assert certificate.serial_number.endswith("-00001")
    assert CertificateSerialCounter.objects.get().last_number == 1


# The default worker runs jobs in its own process; RQ's forking worker must survive it too.
WORKER_CLASSES = [
    pytest.param((), id="default-worker"),
    pytest.param(("--worker-class", "academy.worker.Worker"), id="forking-worker"),
]


@pytest.mark.parametrize("worker_options", WORKER_CLASSES)
def test_twenty_certificates_survive_workers_killed_mid_run(faulty_redis, workers, worker_options):
    course = ef.certified_course()
    # No address to notify, so the workers hold only certificate jobs when they are killed.
    enrollments = [
        ef.completed_enrollment(
            user=people.trainee(full_name=f"学员{number}", email="", phone=""), course=course
        )
        for number in range(20)
    ]
    for enrollment in enrollments:
        certificate_request(enrollment_id=enrollment.pk)
    first, second = workers.start(*worker_options), workers.start(*worker_options)

    def caught_working():
        """the workers are caught drawing certificates"""
        workers.pause(first, second)
        if (
            started_jobs("certificates") > 0
            and Certificate.objects.filter(job_status=Status.DONE).exists()
        ):
            return True
        workers.resume(first, second)
        return False

    # Paused first, so that both are killed as they were when they were seen working.
    wait_for(caught_working, timeout=60, every=0.05)
    workers.kill(first)
    workers.kill(second)
    assert Certificate.objects.exclude(job_status=Status.DONE).exists()
    assert started_jobs("certificates") > 0  # jobs the killed workers held
    # Rows the workers had started and not finished; a job killed after its commit left
    # its row done, and only its RQ job unfinished.
    running = set(
        Certificate.objects.filter(job_status=Status.RUNNING).values_list("pk", flat=True)
    )

    fresh_start = timezone.now()
    workers.start(*worker_options)

    def all_issued():
        """all twenty certificates are issued"""
        return Certificate.objects.filter(status=Certificate.Status.ISSUED).count() == 20

    wait_for(all_issued, timeout=180)
    assert timezone.now() - fresh_start < dt.timedelta(minutes=3)
    certificates = list(Certificate.objects.all())
    assert len(certificates) == 20
    assert {c.enrollment_id for c in certificates} == {e.pk for e in enrollments}
    assert len({c.serial_number for c in certificates}) == 20
    assert {c.version for c in certificates} == {1}
    assert CertificateSerialCounter.objects.get().last_number == 20
    # The certificates being drawn when the workers died were swept up as interrupted.
    interrupted = set(
        Certificate.objects.filter(events__note="工作进程中断").values_list("pk", flat=True)
    )
    assert running <= interrupted
    assert len(interrupted) <= 2


def test_an_export_whose_worker_is_killed_mid_way_is_failed_then_retried(faulty_redis, workers):
    administrator = people.administrator()
    course = tree.course()
    sessions = [tree.session(course=course, days_ahead=-day) for day in range(1, 4)]
    enrollments = [
        ef.enrollment(course=course, user=people.trainee(full_name=f"学员{number}"))
        for number in range(300)
    ]
    # Written directly: the export reads marks, and 900 of them through the service are slow.
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            enrollment=enrollment,
            status=Attendance.Status.PRESENT,
            method=Attendance.Method.ROLL_CALL,
        )
        for session in sessions
        for enrollment in enrollments
    )
    worker = workers.start()
    export = attendance_export_request(
        user=administrator,
        export_format=AttendanceExport.Format.XLSX,
        language="zh-hans",
        filters={"course_id": course.pk},
    )

    def running():
        """the export is being written"""
        export.refresh_from_db()
        return export.job_status == Status.RUNNING

    wait_for(running, timeout=60, every=0.02)
    workers.kill(worker)
    export.refresh_from_db()
    assert export.job_status == Status.RUNNING

    workers.start()

    def finished():
        """the export is done"""
        export.refresh_from_db()
        return export.job_status == Status.DONE

    wait_for(finished, timeout=60)
    assert export.attempts == 1  # the interrupted run, counted
    assert export.row_count == 900
