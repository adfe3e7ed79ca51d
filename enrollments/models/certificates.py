import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from academy.storage import private_storage
from courses.models import Track

from .fields import optional_reference
from .jobs import BackgroundJob


def verification_code() -> str:
    """An unguessable code for a public verification link (128 random bits)."""
    return secrets.token_urlsafe(16)


class CertificateTemplate(models.Model):
    """How the certificates of one track look; the one without a track is the default."""

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Simplified Chinese")
        ENGLISH = "en", _("English")

    track = models.CharField(
        _("track"),
        max_length=20,
        choices=Track.choices,
        blank=True,
        help_text=_("Leave empty for the template used by tracks that have none of their own."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.CHINESE
    )
    title = models.CharField(_("title"), max_length=100, default="结业证书")
    body = models.TextField(
        _("body text"),
        help_text=_(
            "Placeholders: {name} {course} {track} {hours} {date} {serial}. "
            "A blank line starts a new paragraph."
        ),
        default=(
            "{name} 同志于 {date} 完成「{track}」课程体系中的《{course}》培训，"
            "修满 {hours} 学时，成绩合格，准予结业。"
        ),
    )
    signatory_name = models.CharField(_("signatory"), max_length=100, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=100, blank=True)
    seal = optional_reference(
        "wagtailimages.Image",
        _("seal image"),
        help_text=_("A square PNG with a transparent background works best."),
    )
    background = optional_reference(
        "wagtailimages.Image",
        _("background image"),
        help_text=_("Printed under the text over the whole A4 landscape page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["track"]
        constraints = [
            models.UniqueConstraint(
                fields=["track"],
                name="enrollments_one_certificate_template_per_track",
                violation_error_message=_("This track already has a certificate template."),
            )
        ]

    def __str__(self):
        return f"{self.title} · {self.get_track_display() or _('Default')}"


class CertificateSerialCounter(models.Model):
    """The last serial number handed out for one year and one curriculum code."""

    year = models.PositiveSmallIntegerField(_("year"))
    track_code = models.CharField(_("track code"), max_length=20)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate serial counter")
        verbose_name_plural = _("certificate serial counters")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "track_code"], name="enrollments_one_serial_counter_per_year_track"
            )
        ]

    def __str__(self):
        return f"{self.year}-{self.track_code}: {self.last_number}"


class Certificate(BackgroundJob):
    """The completion certificate (结业证书) of one enrolment; at most one per enrolment.

    Two states, kept apart. ``status`` is what the certificate is: pending (never
    issued yet), issued or revoked; the verification page and downloads read it.
    ``job_status`` (from ``BackgroundJob``) is the state of the job that draws its PDF:
    pending or failed while a first issue or a re-issue is owed, done when nothing is
    left to draw. So "failed" is no status of a certificate, and a re-issue asked for
    is a job that is not done on a certificate issued before. Re-issuing queues the
    job again whatever the status; revoking is no job: it changes ``status`` and
    drops a re-issue still queued.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    queue_job_prefix = "certificate-issue"

    enrollment = models.OneToOneField(
        "enrollments.Enrollment",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    serial_number = models.CharField(
        _("serial number"), max_length=40, unique=True, null=True, blank=True
    )
    verification_code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=verification_code
    )
    # What the certificate says, fixed when it is issued.
    holder_name = models.CharField(_("holder"), max_length=150, blank=True)
    course_title = models.CharField(_("course"), max_length=255, blank=True)
    track_name = models.CharField(_("track"), max_length=100, blank=True)
    track_code = models.CharField(_("track code"), max_length=20, blank=True)
    hours = models.DecimalField(_("class-hours"), max_digits=6, decimal_places=1, null=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to="certificates/%Y/", storage=private_storage, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Issue, revocation and re-issue, with who asked and why; the job's own bookkeeping
    # (attempts, errors, queue stamps) is not part of it.
    history = HistoricalRecords(excluded_fields=[*BackgroundJob.BOOKKEEPING_FIELDS, "updated_at"])

    # What the certificate says: issuing writes these fields, verification shows them.
    STATED_FIELDS = (
        "holder_name",
        "course_title",
        "track_name",
        "track_code",
        "hours",
        "completed_on",
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "issued_at"]),
            models.Index(fields=["track_code", "issued_at"]),
        ]

    def __str__(self):
        return self.serial_number or f"{self.enrollment_id} ({self.get_status_display()})"

    def queue_job_key(self) -> str:
        # The task takes the enrolment's id, so the job is named after it.
        return f"{self.queue_job_prefix}-{self.enrollment_id}"

    @property
    def is_valid(self) -> bool:
        """What the verification page says: issued at least once and not revoked."""
        return self.version > 0 and self.status != self.Status.REVOKED

    @property
    def pdf_filename(self) -> str:
        """The name the PDF is downloaded under."""
        return f"{self.serial_number}.pdf"


class CertificateEvent(models.Model):
    """The history of a certificate: requested, issued, failed, revoked, re-issued."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Attempt failed")
        REVOKED = "revoked", _("Revoked")
        REISSUE_REQUESTED = "reissue_requested", _("Re-issue requested")
        REISSUED = "reissued", _("Re-issued")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="events", verbose_name=_("certificate")
    )
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = optional_reference(settings.AUTH_USER_MODEL, _("by"))
    note = models.TextField(_("note"), blank=True)
    pdf_name = models.CharField(_("PDF file"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.certificate} · {self.get_kind_display()}"


class CertificateBundle(BackgroundJob):
    """A ZIP of all issued certificates of a course and/or period, built in the background."""

    queue_job_prefix = "certificate-bundle"

    requested_by = optional_reference(
        settings.AUTH_USER_MODEL, pgettext_lazy("requester", "requested by"), blank=False
    )
    course = optional_reference("courses.CoursePage", _("course"))
    issued_from = models.DateField(_("issued from"), null=True, blank=True)
    issued_until = models.DateField(_("issued until"), null=True, blank=True)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    file = models.FileField(
        _("ZIP file"), upload_to="certificate-bundles/", storage=private_storage, blank=True
    )

    class Meta:
        verbose_name = _("certificate download")
        verbose_name_plural = _("certificate downloads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.get_job_status_display()}"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)


class HoursRecord(BackgroundJob):
    """A continuing-education hours record (继续教育学时证明) for one trainee and period.

    Drawing its PDF is the whole job, so the job state is the record's state: done
    means issued.
    """

    queue_job_prefix = "hours-record"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hours_records",
        verbose_name=_("trainee"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    verification_code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=verification_code
    )
    holder_name = models.CharField(_("holder"), max_length=150, blank=True)
    total_hours = models.DecimalField(
        _("class-hours"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    pdf = models.FileField(
        _("PDF"), upload_to="hours-records/%Y/", storage=private_storage, blank=True
    )
    requested_by = optional_reference(
        settings.AUTH_USER_MODEL, pgettext_lazy("requester", "requested by"), blank=False
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("continuing-education hours record")
        verbose_name_plural = _("continuing-education hours records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user} {self.period_start} – {self.period_end}"

    @property
    def pdf_filename(self) -> str:
        """The name the PDF is downloaded under."""
        return f"hours-{self.period_start}-{self.period_end}.pdf"
