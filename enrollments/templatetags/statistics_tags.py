"""Figures on the statistics page, written as in its PDF."""

from django import template
from django.utils.formats import number_format

from enrollments.documents.statistics import display_text

register = template.Library()


@register.filter
def figure(value, kind: str) -> str:
    if kind in ("count", "hours") and value is not None:
        return number_format(value, decimal_pos=1 if kind == "hours" else 0, force_grouping=True)
    return display_text(value, kind)


@register.filter
def figure_of(row, key: str):
    return row.value(key)


@register.filter
def signed_percent(value: float) -> str:
    return f"{value:+.1%}"
