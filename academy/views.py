from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .errors import RuleViolation
from .forms import (
    AccountClaimForm,
    AccountLoginForm,
    PhoneCodeForm,
    PhonePasswordForm,
    ProfileForm,
    RegistrationForm,
    form_add_rule_violation,
)
from .models import PhoneCode, TraineeProfile
from .services import (
    account_password_set_by_phone,
    phone_code_send,
    profile_update,
    trainee_account_create,
)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = trainee_account_create(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password1"],
                organization=data["organization"],
                unlisted_organization=data["unlisted_organization"],
                qualification_level=data["qualification_level"],
                qualification_number=data["qualification_number"],
                registration_date=data["registration_date"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error, fields={"password": "password1"})
        else:
            login(request, user, backend="academy.auth_backends.EmailOrPhoneBackend")
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready.") % {"name": user}
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    claimable = any(
        error.code == "claimable_phone" for error in form.errors.as_data().get("phone", [])
    )
    return render(request, "academy/register.html", {"form": form, "claimable": claimable})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    instance, _created = TraineeProfile.objects.select_related("organization").get_or_create(
        user=request.user
    )
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            profile_data=form.profile_data(),
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "academy/profile.html", {"form": form, "profile": instance})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = AccountLoginForm
    redirect_authenticated_user = True


def login_locked_out(request, response, credentials):
    """django-axes' answer to a login while the account is locked: the login page that
    was drawn, whose form says the account is locked (``LoginLockoutMixin``)."""
    response.status_code = 429
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def health(request):
    """A trivial page for load balancers and the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico; the icon lives with the static files.

    Resolved per request: with hashed static file names it is known only after
    collectstatic.
    """
    return HttpResponsePermanentRedirect(static("academy/favicon.svg"))


def _phone_code_sent(request, form: PhoneCodeForm, *, purpose: str) -> bool:
    """Ask for a code from a form submitted with its "send" button; True when sent."""
    try:
        phone_code_send(
            phone=form.cleaned_data["phone"],
            purpose=purpose,
            client_address=get_client_ip_address(request),
        )
    except RuleViolation as error:
        form_add_rule_violation(form, error)
        return False
    minutes = int(settings.ACADEMY_PHONE_CODE_TTL.total_seconds() // 60)
    messages.info(
        request,
        _(
            "If an account uses this number, a code is on its way. It is valid for "
            "%(minutes)s minutes."
        )
        % {"minutes": minutes},
    )
    return True


def _login_redirect(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_by_code(request):
    """Log in with a mobile number and a code texted to it."""
    if request.user.is_authenticated:
        return _login_redirect(request)
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.sending:
            _phone_code_sent(request, form, purpose=PhoneCode.Purpose.LOGIN)
        else:
            user = authenticate(
                request,
                username=form.cleaned_data["phone"],
                one_time_password=form.cleaned_data["code"],
            )
            if user is not None:
                login(request, user)
                return _login_redirect(request)
            if getattr(request, "axes_locked_out", False):
                form.add_error(None, AccountLoginForm(request).get_invalid_login_error())
            else:
                error = getattr(request, "phone_code_error", None)
                form.add_error("code", error.messages if error else _("The code is not right."))
    status = 429 if getattr(request, "axes_locked_out", False) else 200
    return render(
        request,
        "registration/login_by_code.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


def _phone_password_set(request, *, form_class, purpose: str, template: str):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.sending:
            _phone_code_sent(request, form, purpose=purpose)
        else:
            data = form.cleaned_data
            try:
                user = account_password_set_by_phone(
                    phone=data["phone"],
                    purpose=purpose,
                    code=data["code"],
                    password=data["password1"],
                    email=data.get("email", ""),
                )
            except RuleViolation as error:
                form_add_rule_violation(form, error, fields={"password": "password1"})
            else:
                login(request, user, backend="academy.auth_backends.EmailOrPhoneBackend")
                messages.success(
                    request, _("Your password is set. Welcome, %(name)s.") % {"name": user}
                )
                return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_by_phone(request):
    return _phone_password_set(
        request,
        form_class=PhonePasswordForm,
        purpose=PhoneCode.Purpose.RESET,
        template="registration/password_reset_phone.html",
    )


@require_http_methods(["GET", "POST"])
def account_claim(request):
    """The owner of an account made at a class or from a roster sets its password."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return _phone_password_set(
        request,
        form_class=AccountClaimForm,
        purpose=PhoneCode.Purpose.CLAIM,
        template="registration/account_claim.html",
    )
