"""How the year in figures counts where academies differ: a site setting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="table")
class StatisticsRule(BaseSiteSetting):
    """The academy's own definitions for class-hours delivered and person-times."""

    class ClassHourUnit(models.TextChoices):
        HOURS = "hours", _("Class-hours: a 3-hour session is 3 课时")
        SESSIONS = "sessions", _("Sessions: a 3-hour session is 1 场次")

    class BlendedCompletion(models.TextChoices):
        SESSIONS_ONLY = "sessions_only", _("Only its sessions attended count")
        PLUS_COMPLETION = "plus_completion", _("Its sessions attended, plus one for completing it")

    class_hour_unit = models.CharField(
        _("class-hours delivered are counted in"),
        max_length=20,
        choices=ClassHourUnit.choices,
        default=ClassHourUnit.HOURS,
    )
    count_online_lessons = models.BooleanField(
        _("online lessons count toward class-hours delivered"),
        default=True,
        help_text=_("Each online lesson counts once, in the period it was first published."),
    )
    blended_completion = models.CharField(
        _("person-times of a blended course"),
        max_length=20,
        choices=BlendedCompletion.choices,
        default=BlendedCompletion.SESSIONS_ONLY,
        help_text=_(
            "An online course counts one person-time per completion; a classroom course one "
            "per session attended."
        ),
    )

    class Meta:
        verbose_name = _("statistics rules")

    @property
    def counts_sessions(self) -> bool:
        return self.class_hour_unit == self.ClassHourUnit.SESSIONS

    @property
    def counts_blended_completion(self) -> bool:
        return self.blended_completion == self.BlendedCompletion.PLUS_COMPLETION


class TraineeMonthFigures(models.Model):
    """One trainee's counted records in one calendar month (the academy's time zone), kept
    so that the year in figures need not read millions of rows on each request.

    Rebuilt as a whole by ``services.statistics.statistics_rollup_refresh`` (the workers'
    scheduler, ``manage.py refresh_statistics`` and the seed commands); the report reads it
    only while it is fresh, and counts from the records themselves otherwise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()
    # The trainee's profile when the figures were rebuilt, so that the tables by
    # organisation and level read this table alone.
    organization = models.ForeignKey(
        "academy.Organization",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    qualification_level = models.CharField(max_length=20, null=True)
    marks = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    completions_online = models.PositiveIntegerField(default=0)
    completions_blended = models.PositiveIntegerField(default=0)
    hours_online = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    hours_classroom = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    hours_other = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="statistics_one_row_per_month")
        ]
        indexes = [models.Index(fields=["month", "user"], name="statistics_month_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}"


class SessionFigures(models.Model):
    """The attendance marks of one session held, kept beside ``TraineeMonthFigures``."""

    session = models.OneToOneField(
        "courses.ClassSession", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    marks = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.session_id}: {self.attended}/{self.marks}"


class StatisticsRollup(models.Model):
    """When ``TraineeMonthFigures`` and ``SessionFigures`` were last rebuilt (one row)."""

    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
