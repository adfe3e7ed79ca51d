from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .fields import optional_reference


def _optional_link(to: str, verbose_name, *, related_name: str = "hour_entries"):
    """What an entry was earned for; protected, since the ledger is never rewritten."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class HourEntry(models.Model):
    """One credit (or correction) of class-hours. Append-only: totals are sums over it.

    A correction is a new entry, usually negative, pointing at the entry it
    corrects through ``corrects``; entries are never edited or deleted.
    """

    # Wagtail indexes the references of every model with an admin viewset on each save;
    # these records point at no content an editor looks up, and are written in bulk.
    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        ONLINE_LESSON = "online_lesson", _("Online lesson")
        CLASSROOM_SESSION = "classroom_session", _("Classroom session")
        LIVE_ONLINE_SESSION = "live_online_session", _("Live online session")
        EXTERNAL_TRAINING = "external_training", _("External training")
        ADJUSTMENT = "adjustment", _("Adjustment")

    # Sources the continuing-education policy's online cap counts.
    ONLINE_SOURCES = (Source.ONLINE_LESSON, Source.LIVE_ONLINE_SESSION)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hour_entries",
        verbose_name=_("trainee"),
    )
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    hours = models.DecimalField(_("class-hours"), max_digits=6, decimal_places=1)
    date = models.DateField(_("date"), default=timezone.localdate)
    course = _optional_link("courses.CoursePage", _("course"))
    enrollment = _optional_link("enrollments.Enrollment", _("enrolment"))
    lesson = _optional_link("courses.LessonPage", _("lesson"))
    session = _optional_link("courses.ClassSession", _("session"))
    external_training = _optional_link("enrollments.ExternalTraining", _("external training"))
    corrects = _optional_link("self", _("corrects"), related_name="corrections")
    description = models.CharField(
        pgettext_lazy("hour entry", "description"), max_length=300, blank=True
    )
    recorded_by = optional_reference(settings.AUTH_USER_MODEL, _("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # Entries are only ever added: the history holds one insert per entry, with who
    # recorded it and why.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["user", "date"]),
            models.Index(fields=["course", "date"]),
            models.Index(fields=["session"]),
            models.Index(fields=["user", "source", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"],
                condition=models.Q(source="online_lesson", corrects__isnull=True),
                name="enrollments_one_online_credit_per_lesson",
            ),
            models.UniqueConstraint(
                fields=["external_training"],
                condition=models.Q(external_training__isnull=False, corrects__isnull=True),
                name="enrollments_one_credit_per_external_training",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(corrects__isnull=False),
                name="enrollments_one_correction_per_entry",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.hours} ({self.get_source_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Hour entries are append-only; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Hour entries are append-only; record a correction instead.")
