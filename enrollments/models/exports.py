from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceExport(models.Model):
    """A large attendance export written by a background task, downloaded when done."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendance_exports",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to="exports/attendance/", blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance export")
        verbose_name_plural = _("attendance exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self):
        return f"{self.get_format_display()} · {self.created_at:%Y-%m-%d %H:%M}"
