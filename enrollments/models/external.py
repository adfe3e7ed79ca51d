import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.storage import private_storage

from .fields import optional_reference


def external_training_proof_path(instance, filename: str) -> str:
    # A random name: proof files are only served through an ownership-checked view.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"external-training/{uuid.uuid4().hex}{suffix}"


class ExternalTraining(models.Model):
    """Training a trainee took elsewhere, submitted for class-hours credit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("decision", "Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="external_trainings",
        verbose_name=_("trainee"),
    )
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("class-hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    proof = models.FileField(
        _("proof"), upload_to=external_training_proof_path, storage=private_storage
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = optional_reference(settings.AUTH_USER_MODEL, _("decided by"))
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["user", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.title}"
