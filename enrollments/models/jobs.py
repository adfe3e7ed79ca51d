from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ERROR_MAX_LENGTH = 2000


def error_text(error: BaseException | str) -> str:
    """What a failed attempt records: the message of a rule, else the exception's type and text."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)[:ERROR_MAX_LENGTH]
    if isinstance(error, BaseException):
        return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    return str(error)[:ERROR_MAX_LENGTH]


class BackgroundJob(models.Model):
    """The row of one piece of background work: its state, its last error and its times.

    The row is created in the same transaction as the change that needs the work,
    and the task is queued after that transaction commits
    (``enrollments.services.jobs.job_enqueue_on_commit``), which stamps
    ``last_enqueued_at`` once the backend has accepted it. A row that is pending
    or failed and was not queued recently is what a sweep queues again.
    """

    class JobStatus(models.TextChoices):
        PENDING = "pending", pgettext_lazy("job status", "Pending")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        DONE = "done", pgettext_lazy("job status", "Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    job_status = models.CharField(
        _("job status"), max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_enqueued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    queue_job_id = models.CharField(_("queue job id"), max_length=100, blank=True)

    # The job's own bookkeeping: how its runs went, not what it made.
    BOOKKEEPING_FIELDS = (
        "error",
        "attempts",
        "started_at",
        "finished_at",
        "last_enqueued_at",
        "queue_job_id",
    )

    # What the queue calls this row's job: "<prefix>-<key>" (see ``queue_job_key``).
    queue_job_prefix: str = ""

    class Meta:
        abstract = True

    def queue_job_key(self) -> str:
        """The deterministic id of this row's job, so that asking twice queues one job."""
        return f"{self.queue_job_prefix}-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.job_status == self.JobStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.job_status == self.JobStatus.FAILED

    def mark_pending(self) -> None:
        """Ask for the job again, with its attempts counted afresh."""
        self.job_status = self.JobStatus.PENDING
        self.attempts = 0
        self._save_job("job_status", "attempts")

    def mark_running(self, *fields: str) -> None:
        """Save the job as started, with any other ``fields`` set for the run."""
        self.job_status = self.JobStatus.RUNNING
        self.started_at = timezone.now()
        self._save_job("job_status", "started_at", *fields)

    def mark_done(self, *result_fields: str) -> None:
        """Save the job as done, with the ``result_fields`` the job wrote."""
        self.job_status = self.JobStatus.DONE
        self.error = ""
        self.finished_at = timezone.now()
        self._save_job("job_status", "error", "finished_at", *result_fields)

    def mark_failed(self, error: BaseException | str) -> None:
        """Save a failed attempt: one more attempt counted and its error kept."""
        self.job_status = self.JobStatus.FAILED
        self.error = error_text(error)
        self.attempts += 1
        self.finished_at = timezone.now()
        self._save_job("job_status", "error", "attempts", "finished_at")

    def _save_job(self, *fields: str) -> None:
        touched = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
        self.save(update_fields=list(dict.fromkeys([*fields, *touched])))
