from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import CoursePage


class VerifySearchForm(forms.Form):
    serial_number = forms.CharField(label=_("Serial number"), max_length=40)
    full_name = forms.CharField(label=_("Full name of the holder"), max_length=150)


class HoursRecordRequestForm(forms.Form):
    period_start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    period_end = forms.DateField(
        label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea)


class BundleForm(forms.Form):
    course: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Course"), queryset=None, required=False
    )
    issued_from = forms.DateField(
        label=_("Issued from"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    issued_until = forms.DateField(
        label=_("Issued until"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.order_by("title")
