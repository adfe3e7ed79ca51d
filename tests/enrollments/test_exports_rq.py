"""The export job on a real Redis with an RQ worker in burst mode."""

import csv
import io

import pytest
from django.conf import settings
from django.test import override_settings

from academy.settings.env import JOBS_BACKEND
from enrollments.models import AttendanceExport
from enrollments.services.exports import attendance_export_request
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = [
    pytest.mark.rq,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
]


def test_export_job_runs_in_an_rq_worker():
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    admin = factories.administrator()
    course = tree.course()
    session = tree.session(course=course)
    for name in ("张三", "=李四"):
        ef.attendance(
            session=session,
            enrollment=ef.enrollment(course=course, user=factories.trainee(full_name=name)),
        )
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()

    with override_settings(TASKS={**settings.TASKS, JOBS_BACKEND: settings.TASKS["rq"]}):
        job = attendance_export_request(
            user=admin, export_format="csv", language="zh-hans", filters={"course_id": course.pk}
        )
        assert queue.count == 1
        queued = AttendanceExport.objects.get(pk=job.pk)
        assert queued.job_status == AttendanceExport.JobStatus.PENDING
        assert queued.last_enqueued_at is not None
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

    job.refresh_from_db()
    assert job.job_status == AttendanceExport.JobStatus.DONE
    assert job.row_count == 2
    raw = job.file.open("rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {"张三", "'=李四"}
