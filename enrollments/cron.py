"""Periodic jobs, run by the workers' own scheduler (``academy.worker``, from
``RQ_CRON_CONFIG``) or by ``python manage.py rqcron enrollments.cron``."""

from django.conf import settings
from rq import cron

from academy.settings.env import JOBS_BACKEND
from enrollments.tasks import (
    ce_cycle_reminders_task,
    exam_attempts_expire_task,
    job_sweep_task,
    session_reminders_task,
    statistics_rollup_task,
)

# The task's function is enqueued by its import path, which names the Task itself, so
# the worker's django-tasks job class runs it like any other enqueued task.
PERIODIC = (
    (job_sweep_task, settings.JOB_SWEEP_INTERVAL_SECONDS, "sweep_jobs"),
    (statistics_rollup_task, settings.STATISTICS_ROLLUP_INTERVAL_SECONDS, "statistics_rollup"),
    (session_reminders_task, settings.SESSION_REMINDER_INTERVAL_SECONDS, "session_reminders"),
    (ce_cycle_reminders_task, settings.CE_CYCLE_REMINDER_INTERVAL_SECONDS, "ce_cycle_reminders"),
    (exam_attempts_expire_task, settings.EXAM_EXPIRY_INTERVAL_SECONDS, "exam_attempts_expire"),
)
for periodic_task, interval, name in PERIODIC:
    cron.register(
        periodic_task.func,
        "default",
        interval=interval,
        meta={"backend_name": JOBS_BACKEND},
        name=name,
    )
