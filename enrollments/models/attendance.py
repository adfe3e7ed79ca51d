from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.Model):
    """Whether one trainee was at one class session, and how that was recorded."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        ROLL_CALL = "roll_call", _("Roll call")
        QR_CODE = "qr_code", _("QR code")
        FALLBACK_CODE = "fallback_code", _("Check-in code")
        IMPORT = "import", _("Imported")

    # Statuses that count as having attended, for the completion rule.
    ATTENDED_STATUSES = (Status.PRESENT, Status.LATE, Status.LEFT_EARLY)

    session = models.ForeignKey(
        "courses.ClassSession",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("session"),
    )
    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    minutes_attended = models.PositiveIntegerField(_("minutes attended"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="enrollments_one_attendance_per_session"
            )
        ]
        indexes = [models.Index(fields=["enrollment", "status"])]

    def __str__(self):
        return f"{self.enrollment.user} · {self.session} · {self.get_status_display()}"
