"""The default worker runs jobs in its own process and starts again as a fresh process
after ``WORKER_MAX_JOBS`` jobs."""

import re

import pytest
from django.db import connection

from enrollments.models import Certificate, CertificateSerialCounter
from enrollments.services.certificates.issuing import certificate_request
from tests.academy import factories as people
from tests.enrollments import factories as ef
from tests.faults.conftest import wait_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes need the PostgreSQL test database",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_worker_starts_again_as_a_fresh_process_after_its_jobs(faulty_redis, workers, tmp_path):
    course = ef.certified_course()
    enrollments = [
        ef.completed_enrollment(
            user=people.trainee(full_name=f"学员{number}", email="", phone=""), course=course
        )
        for number in range(7)
    ]
    for enrollment in enrollments:
        certificate_request(enrollment_id=enrollment.pk)
    # On the certificates queue alone and without the scheduler, whose periodic jobs would
    # count among the three.
    worker = workers.start(command=("rqworker", "certificates"), WORKER_MAX_JOBS="3")
    log = tmp_path / "worker-1.log"

    def all_issued():
        """all seven certificates are issued"""
        return Certificate.objects.filter(status=Certificate.Status.ISSUED).count() == 7

    wait_for(all_issued, timeout=180)

    def started_again_twice():
        """the worker started again after 3 and after 6 jobs"""
        return len(re.findall(r"\d+ jobs run, starting again", log.read_text())) >= 2

    wait_for(started_again_twice, timeout=60)
    assert worker.poll() is None  # the same process, replaced in place
    births = re.findall(r"started with PID (\d+)", log.read_text())
    assert len(births) >= 3
    assert set(births) == {str(worker.pid)}
    certificates = list(Certificate.objects.all())
    assert len({c.serial_number for c in certificates}) == 7
    assert {c.version for c in certificates} == {1}
    assert CertificateSerialCounter.objects.get().last_number == 7
