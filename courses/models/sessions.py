"""Classroom and live-online meetings of a course."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from .pages import HOURS_FIELD, CoursePage


class ClassSession(Orderable):
    """A classroom or live-online meeting of a course.

    Content only, saved in the course page's revisions: what attendance does to a
    session (its lock) is kept by the enrollments app, out of the revisions.
    """

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        LIVE_ONLINE = "live_online", _("Live online")

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLASSROOM)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_url = models.URLField(
        _("meeting link"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions_taught",
        verbose_name=_("trainer"),
        limit_choices_to={"groups__name": "Trainer"},
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    class_hours = models.DecimalField(_("class-hours credited"), **HOURS_FIELD)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("class_hours")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("meeting_url")]),
        FieldRowPanel([FieldPanel("trainer"), FieldPanel("capacity")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["course", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="courses_session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self):
        return f"{self.course.title} · {self.title}"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CLASSROOM and not self.place:
            raise ValidationError({"place": _("A classroom session needs a place.")})
        if self.kind == self.Kind.LIVE_ONLINE and not self.meeting_url:
            raise ValidationError({"meeting_url": _("A live online session needs a meeting link.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})
