"""Forms for enrolments, external training, rosters and hour adjustments.

They check the shape of the input only; the services behind them hold the rules
(a reason for a rejection, the proof file's type and size, hours other than zero)
and their ``RuleViolation`` is shown on the form.
"""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.models import User
from enrollments.models import Enrollment, ExternalTraining
from enrollments.selectors.enrollment import enrollment_list_for_user


class ExternalTrainingForm(forms.ModelForm):
    class Meta:
        model = ExternalTraining
        fields = ["title", "provider", "date", "hours", "proof"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "proof": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }
        help_texts = {"proof": _("A PDF, JPEG or PNG file of at most 5 MB.")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RosterUploadForm(forms.Form):
    roster = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "XLSX or CSV (UTF-8) with the columns 姓名 (full name), 手机号 (mobile phone), "
            "邮箱 (email) and 机构 (organisation); at most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class HourAdjustmentForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Class-hours"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Negative to remove hours."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Reason"), max_length=300, required=False)
    enrollment = forms.ModelChoiceField(
        label=_("Enrolment"),
        queryset=Enrollment.objects.none(),
        required=False,
        help_text=_("Optional: the course these hours count towards."),
    )

    def __init__(self, *args, trainee: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainee is not None:
            field = cast(forms.ModelChoiceField, self.fields["enrollment"])
            field.queryset = enrollment_list_for_user(user=trainee)
