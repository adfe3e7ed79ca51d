"""Periodic jobs, run by the workers' own scheduler (``academy.worker``, from
``RQ_CRON_CONFIG``) or by ``python manage.py rqcron enrollments.cron``."""

from django.conf import settings
from rq import cron

from academy.settings.env import JOBS_BACKEND
from enrollments.tasks import job_sweep_task

# The task's function is enqueued by its import path, which names the Task itself, so
# the worker's django-tasks job class runs it like any other enqueued task.
cron.register(
    job_sweep_task.func,
    "default",
    interval=settings.JOB_SWEEP_INTERVAL_SECONDS,
    meta={"backend_name": JOBS_BACKEND},
    name="sweep_jobs",
)
