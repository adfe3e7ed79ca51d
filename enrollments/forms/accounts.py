from django import forms
from django.utils.translation import gettext_lazy as _

from academy.auth_backends import user_find_by_login


class AccountMergeForm(forms.Form):
    """The two accounts of one person, each named by mobile number, email or login name."""

    kept = forms.CharField(
        label=_("Account to keep"),
        max_length=254,
        help_text=_("Mobile number, email address or login name."),
    )
    merged = forms.CharField(
        label=_("Account to merge into it"),
        max_length=254,
        help_text=_("Its records move to the account kept; it is then deactivated."),
    )

    def _account(self, name: str):
        user = user_find_by_login(identifier=self.cleaned_data[name])
        if user is None:
            raise forms.ValidationError(
                _("No single account has this mobile number, email address or login name."),
                code="unknown_account",
            )
        return user

    def clean_kept(self):
        return self._account("kept")

    def clean_merged(self):
        return self._account("merged")
