"""Admin pages for one certificate (history, revoke, re-issue), ZIP downloads and hours records."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import administrator_required, private_file_response
from academy.errors import RuleViolation
from academy.forms import form_add_rule_violation
from academy.models import User
from enrollments.forms.certificates import BundleForm, HoursRecordRequestForm, RevokeForm
from enrollments.models import Certificate, CertificateBundle, HoursRecord
from enrollments.selectors.certificates import (
    certificate_bundles,
    certificate_events,
    hours_record_list_for_user,
)
from enrollments.services.certificates.bundles import certificate_bundle_request
from enrollments.services.certificates.hours_records import hours_record_request
from enrollments.services.certificates.lifecycle import certificate_reissue, certificate_revoke


@administrator_required
def detail(request, certificate_id):
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrollment__user", "enrollment__course"),
        pk=certificate_id,
    )
    return render(
        request,
        "enrollments/admin/certificate_detail.html",
        {
            "certificate": certificate,
            "events": certificate_events(certificate=certificate),
            "revoke_form": RevokeForm(),
        },
    )


@require_POST
@administrator_required
def revoke(request, certificate_id):
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificate_revoke(
                certificate_id=certificate_id,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("The certificate is revoked."))
    else:
        messages.error(request, _("Give a reason for the revocation."))
    return redirect("certificates_admin:detail", certificate_id)


@require_POST
@administrator_required
def reissue(request, certificate_id):
    try:
        certificate_reissue(certificate_id=certificate_id, actor=request.user)
    except RuleViolation as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("A new PDF with the same serial number is being prepared."))
    return redirect("certificates_admin:detail", certificate_id)


@administrator_required
def download(request, certificate_id):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    return private_file_response(
        certificate.pdf,
        allowed=True,
        filename=certificate.pdf_filename,
        content_type="application/pdf",
    )


@administrator_required
def bundles(request):
    form = BundleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        try:
            certificate_bundle_request(
                actor=request.user,
                course_id=course.pk if course else None,
                issued_from=form.cleaned_data["issued_from"],
                issued_until=form.cleaned_data["issued_until"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("The ZIP file is being built."))
            return redirect("certificates_admin:bundles")
    return render(
        request,
        "enrollments/admin/certificate_bundles.html",
        {"form": form, "bundles": certificate_bundles()},
    )


@administrator_required
def bundle_download(request, bundle_id):
    bundle = get_object_or_404(CertificateBundle, pk=bundle_id)
    return private_file_response(
        bundle.file,
        allowed=bundle.is_done,
        filename=bundle.file.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


@administrator_required
def hours_records(request, user_id):
    trainee = get_object_or_404(User, pk=user_id)
    form = HoursRecordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hours_record_request(
                user=trainee,
                requested_by=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except RuleViolation as error:
            form_add_rule_violation(form, error)
        else:
            messages.success(request, _("The hours record is being prepared."))
            return redirect("certificates_admin:hours_records", user_id)
    return render(
        request,
        "enrollments/admin/hours_records.html",
        {
            "trainee": trainee,
            "form": form,
            "records": hours_record_list_for_user(user=trainee)[:50],
        },
    )


@administrator_required
def hours_record_download(request, record_id):
    record = get_object_or_404(HoursRecord, pk=record_id)
    return private_file_response(
        record.pdf,
        allowed=record.is_done,
        filename=record.pdf_filename,
        content_type="application/pdf",
    )
