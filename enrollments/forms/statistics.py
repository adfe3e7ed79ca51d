"""The statistics page's period picker: a year, a quarter, a month or two dates."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enrollments.selectors.statistics import (
    StatisticsPeriod,
    statistics_period_month,
    statistics_period_quarter,
    statistics_period_year,
)

MAX_PERIOD_DAYS = 5 * 366
FIRST_YEAR = 2000


class StatisticsPeriodForm(forms.Form):
    class Kind:
        YEAR = "year"
        QUARTER = "quarter"
        MONTH = "month"
        CUSTOM = "custom"

    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (Kind.YEAR, _("Year")),
            (Kind.QUARTER, _("Quarter")),
            (Kind.MONTH, _("Month")),
            (Kind.CUSTOM, _("From … to …")),
        ],
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", "—"), ("1", _("Q1")), ("2", _("Q2")), ("3", _("Q3")), ("4", _("Q4"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", "—")] + [(str(m), str(m)) for m in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data=None, **kwargs):
        if not data:
            data = {"kind": self.Kind.YEAR, "year": str(timezone.localdate().year)}
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        required = {
            self.Kind.YEAR: ["year"],
            self.Kind.QUARTER: ["year", "quarter"],
            self.Kind.MONTH: ["year", "month"],
            self.Kind.CUSTOM: ["date_from", "date_to"],
        }[kind]
        missing = [name for name in required if data.get(name) is None]
        for name in missing:
            if name not in self.errors:
                self.add_error(name, _("Needed for this kind of period."))
        if missing or self.errors:
            return data
        if kind == self.Kind.YEAR:
            data["period"] = statistics_period_year(year=data["year"])
        elif kind == self.Kind.QUARTER:
            data["period"] = statistics_period_quarter(year=data["year"], quarter=data["quarter"])
        elif kind == self.Kind.MONTH:
            data["period"] = statistics_period_month(year=data["year"], month=data["month"])
        else:
            first, last = data["date_from"], data["date_to"]
            if last < first:
                raise forms.ValidationError(
                    _("The period must end on or after its first day."), code="period_reversed"
                )
            if first < date(FIRST_YEAR, 1, 1):
                raise forms.ValidationError(
                    _("The period must start in %(year)d or later.") % {"year": FIRST_YEAR},
                    code="period_too_early",
                )
            if (last - first).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("A period can be at most five years long."), code="period_too_long"
                )
            data["period"] = StatisticsPeriod(first, last)
        return data

    def query_string(self) -> str:
        """The picked period as a query string, for the download links."""
        from urllib.parse import urlencode

        return urlencode({name: value for name, value in self.data.items() if value})
