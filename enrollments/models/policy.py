from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from academy.models import QualificationLevel


class ContinuingEducationPolicy(models.Model):
    """How many class-hours a qualification level needs in each registration cycle."""

    qualification_level = models.CharField(
        _("qualification level"),
        max_length=20,
        choices=[c for c in QualificationLevel.choices if c[0] != QualificationLevel.NONE],
        unique=True,
    )
    hours_required = models.DecimalField(
        _("class-hours required per cycle"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cycle_years = models.PositiveSmallIntegerField(
        _("cycle length (years)"), default=3, validators=[MinValueValidator(1)]
    )
    online_hours_cap = models.DecimalField(
        _("cap on online hours per cycle"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty when online hours count without limit."),
    )

    class Meta:
        verbose_name = _("continuing-education policy")
        verbose_name_plural = _("continuing-education policies")
        ordering = ["hours_required", "qualification_level"]

    def __str__(self):
        return str(self.get_qualification_level_display())
