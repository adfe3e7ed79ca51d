from django import forms
from django.utils.translation import gettext_lazy as _


class QuestionFileForm(forms.Form):
    questions = forms.FileField(
        label=_("Question file"),
        help_text=_(
            "XLSX, or CSV saved as UTF-8 or GB18030, in the layout of the template; at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
