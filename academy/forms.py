from collections.abc import Mapping

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .errors import RuleViolation
from .models import Organization, QualificationLevel, TraineeProfile, User, phone_validator


def form_add_rule_violation(
    form: forms.BaseForm, error: RuleViolation, *, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form that sent it.

    A problem keyed by a service argument goes under the form field of the same name
    (or the one ``fields`` maps the argument to); any other problem goes above the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    fields = fields or {}
    for argument, problems in error.error_dict.items():
        field = fields.get(argument, argument)
        form.add_error(field if field in form.fields else None, problems)


class LoginLockoutMixin(AuthenticationForm):
    """A login refused because the account is locked (django-axes) says so, in place of
    "wrong password"."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(
                _(
                    "Too many failed login attempts: this account is locked for "
                    "%(minutes)s minutes. Try again later, or ask an administrator "
                    "to unlock it."
                ),
                code="locked_out",
                params={"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
            )
        return super().get_invalid_login_error()

    @property
    def locked_out(self) -> bool:
        errors = self.non_field_errors().as_data()
        return any(error.code == "locked_out" for error in errors)


class AccountLoginForm(LoginLockoutMixin):
    """The public site's login: email address or mobile number, and password."""


class AdminLoginForm(LoginLockoutMixin, WagtailLoginForm):
    """The Wagtail admin's login (WAGTAILADMIN_USER_LOGIN_FORM)."""


class DjangoAdminLoginForm(LoginLockoutMixin, AdminAuthenticationForm):
    """The login of Django's admin, where the job dashboard lives."""


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=11,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        empty_label=_("Choose your organisation"),
    )
    qualification_level = forms.ChoiceField(
        label=_("Qualification level"),
        choices=QualificationLevel.choices,
        initial=QualificationLevel.NONE,
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()

    def clean(self):
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class ProfileForm(forms.ModelForm):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=11, required=False, validators=[phone_validator]
    )

    class Meta:
        model = TraineeProfile
        fields = [
            "organization",
            "qualification_level",
            "qualification_number",
            "registration_date",
        ]
        widgets = {"registration_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["full_name"].initial = user.full_name
        self.fields["phone"].initial = user.phone

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and User.objects.filter(phone=phone).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(
                _("An account with this mobile number already exists."), code="duplicate_phone"
            )
        return phone
