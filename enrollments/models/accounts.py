from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountMerge(models.Model):
    """The record of two accounts of one person made one: what moved from the merged
    account (deactivated, not deleted) to the kept one, who did it and when."""

    kept = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kept account"),
    )
    merged = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged account"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    # Rows moved per relation ("enrollments.HourEntry.user": 12) and what was left behind.
    counts = models.JSONField(_("rows moved"), default=dict)

    class Meta:
        verbose_name = _("account merge")
        verbose_name_plural = _("account merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"
