from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .errors import RuleViolation
from .forms import AccountLoginForm, ProfileForm, RegistrationForm, form_add_rule_violation
from .models import TraineeProfile
from .services import profile_update, trainee_account_create


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
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
                qualification_level=data["qualification_level"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error, fields={"password": "password1"})
        else:
            login(request, user, backend="academy.auth_backends.EmailOrPhoneBackend")
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready.") % {"name": user}
            )
            return redirect("accounts:profile")
    return render(request, "academy/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    instance, _created = TraineeProfile.objects.select_related("organization").get_or_create(
        user=request.user
    )
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        profile_data = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
        profile_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            profile_data=profile_data,
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
