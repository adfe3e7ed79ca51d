from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .fields import optional_reference


class Enrollment(models.Model):
    """One trainee in one course, from application to completion."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        WAITLISTED = "waitlisted", _("On the waiting list")
        ACTIVE = "active", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", pgettext_lazy("decision", "Rejected")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolment")
        ROSTER = "roster", _("Roster import")
        WALK_IN = "walk_in", _("Walk-in at a session")
        ADMIN = "admin", _("Added by an administrator")

    # Statuses that hold a place in the course's capacity: an application
    # awaiting approval keeps its place until it is decided.
    SEAT_STATUSES = (Status.PENDING, Status.ACTIVE, Status.COMPLETED)
    # Statuses in which the trainee may study the course's lessons.
    LEARNING_STATUSES = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("trainee"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.SELF
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    waitlisted_at = models.DateTimeField(
        _("joined the waiting list"),
        null=True,
        blank=True,
        help_text=_("The waiting list moves up in this order."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = optional_reference(settings.AUTH_USER_MODEL, _("decided by"))
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Every decision on the enrolment: who approved, rejected, waitlisted or withdrew it.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Not columns: the trainee's dashboard (selectors.dashboard) sets them for its cards.
    lessons_total: int
    lessons_done: int
    progress_percent: int

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="enrollments_one_per_trainee_per_course",
                violation_error_message=_("This trainee is already enrolled in this course."),
            )
        ]
        indexes = [
            models.Index(fields=["course", "status", "created_at"]),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["course", "status", "waitlisted_at"]),
            # The statistics count completions by their time, course and user.
            models.Index(
                fields=["completed_at"],
                include=["course", "user"],
                condition=models.Q(status="completed"),
                name="enrollments_completed_at",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.course.title}"


class LessonProgress(models.Model):
    """How far one enrolled trainee got with one lesson."""

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("enrolment"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_beat_at = models.DateTimeField(_("last active"), null=True, blank=True)
    seconds_on_task = models.PositiveIntegerField(_("seconds on task"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="enrollments_one_progress_per_lesson"
            )
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.lesson.title}"
