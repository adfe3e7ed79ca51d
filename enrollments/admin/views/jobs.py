"""Retry of a failed background job, from the page that lists it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.access import administrator_required
from academy.errors import RuleViolation
from enrollments.services.certificates.bundles import BUNDLE_JOB
from enrollments.services.certificates.hours_records import HOURS_RECORD_JOB
from enrollments.services.certificates.issuing import CERTIFICATE_JOB
from enrollments.services.exports import EXPORT_JOB
from enrollments.services.jobs import JobKind
from enrollments.services.notifications import NOTIFICATION_DELIVERY_JOB
from enrollments.services.recovery import job_retry


@dataclass(frozen=True)
class RetryPage:
    kind: JobKind
    # The rows the administrator may retry (an export belongs to whoever asked for it).
    allowed: Callable[[Any], Q]
    # Where the row is listed: the page the Retry button sends back to.
    back: Callable[[Any], tuple]


RETRY_PAGES = {
    "certificate": RetryPage(
        CERTIFICATE_JOB, lambda user: Q(), lambda job: ("certificates_admin:detail", job.pk)
    ),
    "hours-record": RetryPage(
        HOURS_RECORD_JOB,
        lambda user: Q(),
        lambda job: ("certificates_admin:hours_records", job.user_id),
    ),
    "bundle": RetryPage(BUNDLE_JOB, lambda user: Q(), lambda job: ("certificates_admin:bundles",)),
    "export": RetryPage(
        EXPORT_JOB, lambda user: Q(requested_by=user), lambda job: ("attendance_admin:jobs",)
    ),
    "notification-delivery": RetryPage(
        NOTIFICATION_DELIVERY_JOB,
        lambda user: Q(),
        lambda job: ("sent_notification_deliveries:inspect", job.pk),
    ),
}


@require_POST
@administrator_required
def retry(request, kind: str, job_id: int):
    page = RETRY_PAGES.get(kind)
    if page is None:
        raise Http404
    job = get_object_or_404(
        page.kind.model._default_manager.filter(page.allowed(request.user)), pk=job_id
    )
    try:
        job_retry(kind=page.kind, job_id=job.pk)
    except RuleViolation as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The job is queued again."))
    return redirect(*page.back(job))
