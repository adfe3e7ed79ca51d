"""How the year in figures counts where academies differ: a site setting."""

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
