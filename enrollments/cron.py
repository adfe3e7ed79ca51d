"""Periodic jobs for ``python manage.py rqcron enrollments.cron``."""

from rq import cron

from academy.settings.env import JOBS_BACKEND
from enrollments.tasks import certificate_sweep_task

# The task's function is enqueued by its import path, which names the Task itself, so
# the worker's django-tasks job class runs it like any other enqueued task.
cron.register(
    certificate_sweep_task.func,
    "default",
    cron="*/15 * * * *",
    meta={"backend_name": JOBS_BACKEND},
    name="issue_pending_certificates",
)
