"""What administrators do to an issued certificate: revoke it, or re-issue its PDF."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from enrollments.models import Certificate, CertificateEvent
from enrollments.services.certificates.issuing import certificate_enqueue_issue
from enrollments.services.history import change_history_note


def certificate_revoke(*, certificate_id: int, actor: User, reason: str) -> Certificate:
    """Revoke an issued certificate; a re-issue still queued for it is dropped."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Give a reason for the revocation."), code="reason_required")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.ISSUED:
            raise RuleViolation(
                _("Only an issued certificate can be revoked."), code="certificate_not_issued"
            )
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        # A queued re-issue would issue the certificate again: nothing is left to draw.
        certificate.job_status = Certificate.JobStatus.DONE
        change_history_note(record=certificate, actor=actor, reason=reason).save(
            update_fields=["status", "revoked_at", "revoked_reason", "job_status", "updated_at"]
        )
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.REVOKED, actor=actor, note=reason
        )
    return certificate


def certificate_reissue(*, certificate_id: int, actor: User, note: str = "") -> Certificate:
    """Queue a new PDF with the same serial number; the earlier files and events stay."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.serial_number is None:
            raise RuleViolation(
                _("This certificate has not been issued yet."), code="certificate_never_issued"
            )
        change_history_note(record=certificate, actor=actor, reason=note.strip()).mark_pending()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.REISSUE_REQUESTED,
            actor=actor,
            note=note.strip(),
        )
        certificate_enqueue_issue(certificate=certificate)
    return certificate
