from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollments.models import Enrollment, ExternalTraining
from enrollments.services.external_training import proof_file_validate


class ExternalTrainingForm(forms.ModelForm):
    class Meta:
        model = ExternalTraining
        fields = ["title", "provider", "date", "hours", "proof"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "proof": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }
        help_texts = {"proof": _("A PDF, JPEG or PNG file of at most 5 MB.")}

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        proof_file_validate(proof=proof)
        return proof


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


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
    description = forms.CharField(label=_("Reason"), max_length=300)
    enrollment = forms.ModelChoiceField(
        label=_("Enrolment"),
        queryset=Enrollment.objects.none(),
        required=False,
        help_text=_("Optional: the course these hours count towards."),
    )

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainee is not None:
            self.fields["enrollment"].queryset = Enrollment.objects.filter(
                user=trainee
            ).select_related("course", "user")

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours == Decimal("0"):
            raise forms.ValidationError(_("Enter a number of hours other than zero."))
        return hours
