from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.storage import private_storage

from .jobs import BackgroundJob


class AttendanceExport(BackgroundJob):
    """A large attendance export written by a background task, downloaded when done."""

    queue_job_prefix = "attendance-export"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendance_exports",
        verbose_name=pgettext_lazy("requester", "requested by"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file = models.FileField(
        _("file"), upload_to="exports/attendance/", storage=private_storage, blank=True
    )
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance export")
        verbose_name_plural = _("attendance exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self):
        return f"{self.get_format_display()} · {self.created_at:%Y-%m-%d %H:%M}"
