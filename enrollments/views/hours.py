"""A trainee's class-hours: the ledger and external training with its proof."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.access import private_file_response
from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from academy.roles import is_administrator
from enrollments.forms.learning import ExternalTrainingForm
from enrollments.models import ExternalTraining
from enrollments.selectors.hours import (
    external_training_list_for_user,
    hour_entry_list,
    hours_summary,
)
from enrollments.services.external_training import external_training_submit


@login_required
def ledger(request):
    context = {
        "entries": hour_entry_list(user=request.user)[:500],
        "hours": hours_summary(user=request.user, today=timezone.localdate()),
        "external_trainings": external_training_list_for_user(user=request.user)[:100],
    }
    return render(request, "enrollments/ledger.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def external_training_new(request):
    form = ExternalTrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            external_training_submit(user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("Your external training was submitted for review."))
            return redirect("enrollments:ledger")
    return render(request, "enrollments/external_training_form.html", {"form": form})


@login_required
def external_training_proof(request, training_id):
    training = get_object_or_404(ExternalTraining, pk=training_id)
    return private_file_response(
        training.proof,
        allowed=training.user_id == request.user.pk or is_administrator(request.user),
        filename=training.proof.name.rsplit("/", 1)[-1],
        content_type=_proof_content_type(training.proof.name),
        inline=True,
    )


def _proof_content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
