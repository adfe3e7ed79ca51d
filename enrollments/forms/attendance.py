from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import Organization, phone_validator
from courses.models import ClassSession, CoursePage
from enrollments.models import AttendanceExport
from enrollments.selectors.attendance import RosterOrder


def _period_check(data: dict) -> None:
    """The period's last day may not come before its first: the input makes no period."""
    if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
        raise forms.ValidationError(
            _("The period must end on or after its first day."), code="period_reversed"
        )


class WalkInForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[phone_validator])
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        required=False,
        help_text=_("Only needed when no one has this mobile number yet."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False
    )


class CheckinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=6,
        min_length=6,
        validators=[
            RegexValidator(r"^[0-9]{6}\Z", _("Type the six digits of the code on the screen."))
        ],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )


class AttendanceFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.order_by("title"), required=False
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=ClassSession.objects.select_related("course").order_by("-starts_at"),
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
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False
    )
    trainee_phone = forms.CharField(
        label=_("Trainee's mobile phone"), max_length=11, required=False
    )

    def clean(self):
        data = super().clean()
        _period_check(data)
        return data

    def export_filters(self, trainee_id: int | None = None) -> dict:
        data = self.cleaned_data
        return {
            "course_id": data["course"].pk if data.get("course") else None,
            "session_id": data["session"].pk if data.get("session") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "organization_id": data["organization"].pk if data.get("organization") else None,
            "trainee_id": trainee_id,
        }


class AttendanceExportForm(AttendanceFilterForm):
    format = forms.ChoiceField(
        label=pgettext_lazy("file", "Format"),
        choices=AttendanceExport.Format.choices,
        initial="xlsx",
    )


class HoursSummaryForm(forms.Form):
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False
    )

    def clean(self):
        data = super().clean()
        _period_check(data)
        return data


class AttendanceImportForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Live-online session"),
        queryset=ClassSession.objects.filter(kind=ClassSession.Kind.LIVE_ONLINE)
        .select_related("course")
        .order_by("-starts_at"),
    )
    file = forms.FileField(
        label=_("Participant list (XLSX or CSV)"),
        help_text=_(
            "A Tencent Meeting or DingTalk attendance export, or a list with a name or phone "
            "column and a minutes column. At most 2 MB."
        ),
    )


class SigninSheetForm(forms.Form):
    order = forms.ChoiceField(
        label=_("Order of names"),
        choices=RosterOrder.choices,
        initial=RosterOrder.PINYIN,
        required=False,
    )

    def clean_order(self) -> str:
        return self.cleaned_data["order"] or RosterOrder.PINYIN
