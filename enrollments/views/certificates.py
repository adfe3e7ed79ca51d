"""Public verification, and trainees' own certificates and hours records."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from academy.access import private_file_response
from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from enrollments.forms.certificates import HoursRecordRequestForm, VerifySearchForm
from enrollments.selectors.certificates import (
    certificate_find_by_serial,
    certificate_for_verification,
    certificate_get_for_download,
    certificate_list_for_user,
    hours_record_for_verification,
    hours_record_get_for_download,
    hours_record_list_for_user,
    mask_name,
)
from enrollments.services.certificates.hours_records import hours_record_request

# One page for a certificate found and for a search that found none.
VERIFY_TEMPLATE = "enrollments/certificates/verify.html"


def _verified(request, certificate):
    return render(
        request,
        VERIFY_TEMPLATE,
        {
            "certificate": certificate,
            "masked_name": mask_name(name=certificate.holder_name),
            "search_form": VerifySearchForm(),
        },
    )


def _unknown(request, search_form, *, searched: bool = True):
    """The search form, saying that nothing matches when something was looked for (a 404)."""
    return render(
        request,
        VERIFY_TEMPLATE,
        {"search_form": search_form, "show_unknown": searched},
        status=404 if searched else 200,
    )


def verify(request, code):
    certificate = certificate_for_verification(code=code)
    if certificate is None:
        return _unknown(request, VerifySearchForm())
    return _verified(request, certificate)


def _client_address(group, request) -> str:
    """The address lookups are counted against: the one login failures count (axes)."""
    return get_client_ip_address(request) or ""


def verify_search(request):
    form = VerifySearchForm(request.GET or None)
    certificate = None
    searched = form.is_bound and form.is_valid()
    if searched and is_ratelimited(
        request,
        group="certificate-lookup",
        key=_client_address,
        rate=settings.CERTIFICATE_LOOKUP_RATE,
        increment=True,
    ):
        return render(
            request, VERIFY_TEMPLATE, {"search_form": form, "throttled": True}, status=429
        )
    if searched:
        certificate = certificate_find_by_serial(
            serial_number=form.cleaned_data["serial_number"],
            full_name=form.cleaned_data["full_name"],
        )
    if certificate is not None:
        return _verified(request, certificate)
    return _unknown(request, form, searched=searched)


def _own_pdf(document):
    """The PDF of the trainee's own certificate or hours record; none found is a 404."""
    if document is None:
        raise Http404
    return private_file_response(
        document.pdf, allowed=True, filename=document.pdf_filename, content_type="application/pdf"
    )


@login_required
def my_certificates(request):
    return render(
        request,
        "enrollments/certificates/mine.html",
        {"certificates": certificate_list_for_user(user=request.user)},
    )


@login_required
def download(request, certificate_id):
    return _own_pdf(certificate_get_for_download(user=request.user, certificate_id=certificate_id))


@login_required
@require_http_methods(["GET", "POST"])
def hours_records(request):
    form = HoursRecordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hours_record_request(
                user=request.user,
                requested_by=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("Your hours record is being prepared."))
            return redirect("certificates:hours_records")
    return render(
        request,
        "enrollments/certificates/hours_records.html",
        {"form": form, "records": hours_record_list_for_user(user=request.user)},
    )


@login_required
def hours_record_download(request, record_id):
    return _own_pdf(hours_record_get_for_download(user=request.user, record_id=record_id))


def hours_record_verify(request, code):
    record = hours_record_for_verification(code=code)
    if record is None:
        return _unknown(request, VerifySearchForm())
    return render(
        request,
        "enrollments/certificates/hours_verify.html",
        {"record": record, "masked_name": mask_name(name=record.holder_name)},
    )
