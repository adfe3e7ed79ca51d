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


UNLISTED_ORGANIZATION = "unlisted"


class OrganizationChoiceMixin(forms.Form):
    """One organisation field: a listed organisation, or "other / not listed" with the
    name typed beside it. Cleans to ``organization`` (or None) and ``unlisted_organization``."""

    organization = forms.ChoiceField(label=_("Organisation"))
    unlisted_organization = forms.CharField(
        label=_("Organisation name, if not listed"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = [
            (str(pk), name)
            for pk, name in Organization.objects.order_by("name").values_list("pk", "name")
        ]
        self.fields["organization"].choices = [
            ("", _("Choose your organisation")),
            *listed,
            (UNLISTED_ORGANIZATION, _("Other / not listed")),
        ]

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if value in ("", UNLISTED_ORGANIZATION):
            return value
        return Organization.objects.get(pk=int(value))

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("organization")
        unlisted = (cleaned.get("unlisted_organization") or "").strip()
        if choice == UNLISTED_ORGANIZATION:
            if not unlisted:
                self.add_error("unlisted_organization", _("Type the name of your organisation."))
            cleaned["organization"] = None
            cleaned["unlisted_organization"] = unlisted
        elif isinstance(choice, Organization):
            cleaned["unlisted_organization"] = ""
        return cleaned


class RegistrationForm(OrganizationChoiceMixin, forms.Form):
    field_order = [
        "full_name",
        "phone",
        "email",
        "organization",
        "unlisted_organization",
        "qualification_level",
        "qualification_number",
        "registration_date",
        "password1",
        "password2",
    ]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=11,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    qualification_level = forms.ChoiceField(
        label=_("Qualification level"),
        choices=QualificationLevel.choices,
        initial=QualificationLevel.NONE,
    )
    qualification_number = forms.CharField(
        label=_("Qualification certificate number (optional)"), max_length=50, required=False
    )
    registration_date = forms.DateField(
        label=_("Registration date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Starts your continuing-education cycle."),
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


class ProfileForm(OrganizationChoiceMixin, forms.ModelForm):
    field_order = [
        "full_name",
        "phone",
        "organization",
        "unlisted_organization",
        "qualification_level",
        "qualification_number",
        "registration_date",
    ]

    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=11, required=False, validators=[phone_validator]
    )

    class Meta:
        model = TraineeProfile
        fields = [
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
        self.fields["organization"].required = False
        if self.instance.organization_id:
            self.fields["organization"].initial = str(self.instance.organization_id)
        elif self.instance.unlisted_organization:
            self.fields["organization"].initial = UNLISTED_ORGANIZATION
            self.fields["unlisted_organization"].initial = self.instance.unlisted_organization

    def profile_data(self) -> dict:
        """What the profile service writes, from the cleaned form."""
        fields = [*self.Meta.fields, "organization", "unlisted_organization"]
        data = {name: self.cleaned_data[name] for name in fields}
        if data["organization"] == "":
            data["organization"] = None
        return data

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and User.objects.filter(phone=phone).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(
                _("An account with this mobile number already exists."), code="duplicate_phone"
            )
        return phone


class PhoneCodeForm(forms.Form):
    """A mobile number and the code texted to it. Submitted with the "send" button it asks
    for a code, and only the number is needed; otherwise it carries the code."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=_("SMS code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = bool(self.data.get("send"))

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()

    def clean(self):
        cleaned = super().clean()
        if not self.sending and not cleaned.get("code"):
            self.add_error("code", _("Enter the code texted to your phone."))
        return cleaned


class PhonePasswordForm(PhoneCodeForm):
    """A phone code and the new password it sets (password reset by phone)."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.sending:
            return cleaned
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if not password1:
            self.add_error("password1", _("Choose a password."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class AccountClaimForm(PhonePasswordForm):
    """Claiming an account made at a class or from a roster: phone code, a password and,
    if the owner wishes, an email address."""

    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
