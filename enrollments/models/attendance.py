from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .fields import optional_reference

SHARE_FIELD: dict[str, Any] = {
    "max_digits": 3,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}


class Attendance(models.Model):
    """Whether one trainee was at one class session, and how that was recorded."""

    # Wagtail indexes the references of every model with an admin viewset on each save;
    # these records point at no content an editor looks up, and are written in bulk.
    wagtail_reference_index_ignore = True

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
    # Mirrors the net of this mark's entries in the hours ledger, which stays the record.
    hours_credited = models.DecimalField(
        _("class-hours credited"), max_digits=6, decimal_places=1, default=Decimal("0")
    )
    marked_by = optional_reference(settings.AUTH_USER_MODEL, _("marked by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Every version of the mark: who changed it, when, and what it was before.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="enrollments_one_attendance_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["enrollment", "status"]),
            models.Index(fields=["session", "status"]),
        ]

    def __str__(self):
        return f"{self.enrollment.user} · {self.session} · {self.get_status_display()}"


@register_setting(icon="time")
class AttendanceRule(BaseSiteSetting):
    """How attendance turns into class-hours, and when check-in is open."""

    late_share = models.DecimalField(
        _("share of hours for late arrival"),
        default=Decimal("0.5"),
        help_text=_("0 to 1; a late trainee is credited this share of the session's hours."),
        **SHARE_FIELD,
    )
    left_early_share = models.DecimalField(
        _("share of hours for leaving early"),
        default=Decimal("0.5"),
        help_text=_("0 to 1; a trainee who left early is credited this share."),
        **SHARE_FIELD,
    )
    attendance_opens_minutes = models.PositiveIntegerField(
        _("attendance opens (minutes before the start)"),
        default=30,
        help_text=_(
            "Roll call, check-in and imports accept a session's marks from this many minutes "
            "before it starts; never earlier. Check-in closes at the session's end."
        ),
    )
    grace_minutes = models.PositiveIntegerField(
        _("grace time (minutes)"),
        default=10,
        help_text=_(
            "A check-in later than this after the start is marked late; a check-out earlier "
            "than this before the end is marked as leaving early."
        ),
    )
    import_present_percent = models.PositiveSmallIntegerField(
        _("imported: present from (% of the session)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    import_partial_percent = models.PositiveSmallIntegerField(
        _("imported: left early from (% of the session)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Below this share of the session's length the trainee is absent."),
    )
    import_present_minutes = models.PositiveIntegerField(
        _("imported: present from (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "When set, this many minutes in the meeting count as present whatever the "
            "session's length, instead of the share above."
        ),
    )
    import_partial_minutes = models.PositiveIntegerField(
        _("imported: left early from (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "When set, below this many minutes the trainee is absent, instead of the share above."
        ),
    )

    class Meta:
        verbose_name = _("attendance rules")


class SessionAttendanceState(models.Model):
    """The attendance state of one class session, kept beside the session.

    Sessions are part of their course page's revisions; what happens to attendance is
    not content, so it lives here, where publishing a revision never reaches it. A
    session without a row has never been locked.
    """

    session = models.OneToOneField(
        "courses.ClassSession",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="attendance_state",
        verbose_name=_("session"),
    )
    locked_at = models.DateTimeField(
        _("attendance locked"),
        null=True,
        blank=True,
        help_text=_("Once locked, attendance marks can no longer be changed."),
    )
    locked_by = optional_reference(settings.AUTH_USER_MODEL, _("locked by"))
    # Every lock and unlock, with who did it and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session attendance state")
        verbose_name_plural = _("session attendance states")

    def __str__(self):
        return str(self.session)


class CheckinCodeAttempt(models.Model):
    """Wrong check-in codes one trainee typed in the current window, over all sessions.

    Kept in the database so that every web process counts the same tries.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("trainee"),
    )
    window_started_at = models.DateTimeField(_("window started"))
    failures = models.PositiveIntegerField(_("wrong codes"), default=0)

    class Meta:
        verbose_name = _("check-in code attempts")
        verbose_name_plural = _("check-in code attempts")

    def __str__(self):
        return f"{self.user} · {self.failures}"
