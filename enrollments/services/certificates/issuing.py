"""Issuing certificates: request one for a completed enrolment, draw it exactly once with a
gap-free serial number, record a failed attempt; and how the sweep queues one again."""

from typing import cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from enrollments.documents.certificate import (
    CertificateContent,
    CertificateDesign,
    render_certificate,
)
from enrollments.models import (
    Certificate,
    CertificateEvent,
    CertificateSerialCounter,
    CertificateTemplate,
    Enrollment,
)
from enrollments.selectors.certificates import (
    academy_name,
    certificate_template_for,
    certificate_verification_url,
    enrollment_hours,
)
from enrollments.services.certificates.notifications import certificate_issued_notify
from enrollments.services.jobs import (
    FailureOutcome,
    JobKind,
    job_enqueue_on_commit,
    job_failure_outcome,
)

ISSUE_TASK = "enrollments.tasks.certificate_issue_task"
DEFAULT_BODY = CertificateTemplate._meta.get_field("body").default
DEFAULT_TITLE = CertificateTemplate._meta.get_field("title").default
# What drawing a certificate writes besides the job's own fields.
ISSUED_FIELDS = (
    "status",
    "serial_number",
    *Certificate.STATED_FIELDS,
    "issued_at",
    "pdf",
    "version",
    "revoked_at",
    "revoked_reason",
    "started_at",
)


def certificate_enqueue_issue(*, certificate: Certificate) -> None:
    """Queue the job that draws the certificate, once the current transaction commits."""
    job_enqueue_on_commit(
        job=certificate, task_path=ISSUE_TASK, enrollment_id=certificate.enrollment_id
    )


def certificate_request(*, enrollment_id: int) -> Certificate | None:
    """Make sure a completed enrolment has a certificate row and a job that issues it.

    Safe to call any number of times: the row is unique per enrolment, and a
    certificate whose job is done is left alone.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.filter(
            pk=enrollment_id, status=Enrollment.Status.COMPLETED
        ).first()
        if enrollment is None:
            return None
        certificate, created = Certificate.objects.get_or_create(enrollment=enrollment)
        if created:
            CertificateEvent.objects.create(
                certificate=certificate, kind=CertificateEvent.Kind.REQUESTED
            )
        if not certificate.is_done:
            certificate_enqueue_issue(certificate=certificate)
    return certificate


def _image_bytes(image) -> bytes | None:
    if image is None:
        return None
    with image.file.open("rb") as handle:
        return handle.read()


def certificate_design(*, template: CertificateTemplate) -> CertificateDesign:
    return CertificateDesign(
        title=template.title or DEFAULT_TITLE,
        body=template.body or DEFAULT_BODY,
        language=template.language,
        signatory_name=template.signatory_name,
        signatory_title=template.signatory_title,
        seal=_image_bytes(template.seal),
        background=_image_bytes(template.background),
    )


def _allocate_serial(*, year: int, track_code: str) -> str:
    """The next serial for (year, track), under a row lock; rolls back with the caller."""
    CertificateSerialCounter.objects.bulk_create(
        [CertificateSerialCounter(year=year, track_code=track_code)], ignore_conflicts=True
    )
    counter = CertificateSerialCounter.objects.select_for_update().get(
        year=year, track_code=track_code
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-{track_code}-{counter.last_number:05d}"


def _not_completed() -> RuleViolation:
    return RuleViolation(
        _("Only a completed enrolment earns a certificate."), code="enrolment_not_completed"
    )


def certificate_issue(*, enrollment_id: int) -> Certificate:
    """Render, store and mark issued the certificate of a completed enrolment, exactly once.

    The certificate row is locked for the whole step, so concurrent calls wait
    and then find its job done. The serial number is allocated in the same
    transaction, only when the certificate has none: if rendering or storing
    fails, the counter rolls back with it and no number is lost. Others never see
    the job running: it starts and ends inside that one transaction.
    """
    if not Enrollment.objects.filter(pk=enrollment_id, status=Enrollment.Status.COMPLETED).exists():
        raise _not_completed()
    Certificate.objects.get_or_create(enrollment_id=enrollment_id)
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("enrollment__user", "enrollment__course")
            .get(enrollment_id=enrollment_id)
        )
        if certificate.is_done:
            return certificate
        enrollment = certificate.enrollment
        if enrollment.status != Enrollment.Status.COMPLETED:
            raise _not_completed()

        now = timezone.now()
        certificate.started_at = now
        course = enrollment.course
        curriculum = course.get_parent().specific
        completed_at = timezone.localtime(enrollment.completed_at or now)
        reissued = certificate.serial_number is not None and certificate.version > 0
        if not certificate.serial_number:
            certificate.track_code = curriculum.code.upper()
            certificate.serial_number = _allocate_serial(
                year=completed_at.year, track_code=certificate.track_code
            )
        template = certificate_template_for(track=curriculum.track)
        with translation.override(template.language):
            track_name = str(curriculum.get_track_display())
        certificate.holder_name = enrollment.user.full_name or enrollment.user.get_username()
        certificate.course_title = course.title
        certificate.track_name = track_name
        certificate.hours = enrollment_hours(enrollment=enrollment)
        certificate.completed_on = completed_at.date()
        if certificate.issued_at is None:
            certificate.issued_at = now
        pdf_bytes = render_certificate(
            CertificateContent(
                academy_name=academy_name(),
                holder_name=certificate.holder_name,
                course_title=certificate.course_title,
                track_name=certificate.track_name,
                hours=certificate.hours,
                completed_on=certificate.completed_on,
                issued_on=timezone.localdate(now),
                serial_number=certificate.serial_number,
                verification_url=certificate_verification_url(certificate=certificate),
            ),
            certificate_design(template=template),
        )
        certificate.version += 1
        certificate.pdf.save(
            f"{certificate.serial_number}-v{certificate.version}.pdf",
            ContentFile(pdf_bytes),
            save=False,
        )
        certificate.status = Certificate.Status.ISSUED
        certificate.revoked_at = None
        certificate.revoked_reason = ""
        certificate.mark_done(*ISSUED_FIELDS)
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.REISSUED if reissued else CertificateEvent.Kind.ISSUED,
            pdf_name=cast(str, certificate.pdf.name),
        )
        certificate_id = certificate.pk
        transaction.on_commit(
            lambda: certificate_issued_notify(certificate_id=certificate_id, reissued=reissued),
            robust=True,
        )
    return certificate


def certificate_record_failure(*, enrollment_id: int, error: BaseException) -> FailureOutcome:
    """Note a failed attempt; say whether (and when) to try again."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().filter(enrollment_id=enrollment_id).first()
        )
        if certificate is None or certificate.is_done:
            return FailureOutcome(attempts=0, retry_after=None)
        certificate.mark_failed(error)
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.FAILED, note=certificate.error
        )
    return job_failure_outcome(job=certificate, error=error)


def certificate_request_missing() -> int:
    """Ask for the certificate of every completed enrolment that has no certificate row (its
    completion's request was lost); return how many."""
    enrollment_ids = Enrollment.objects.filter(
        status=Enrollment.Status.COMPLETED, certificate__isnull=True
    ).values_list("pk", flat=True)
    return sum(
        1
        for enrollment_id in enrollment_ids.iterator()
        if certificate_request(enrollment_id=enrollment_id) is not None
    )


def _certificate_interrupted(certificate: Certificate) -> None:
    CertificateEvent.objects.create(
        certificate=certificate, kind=CertificateEvent.Kind.FAILED, note=certificate.error
    )


CERTIFICATE_JOB = JobKind(
    model=Certificate,
    task_path=ISSUE_TASK,
    task_arguments=lambda certificate: {"enrollment_id": certificate.enrollment_id},
    sweepable=Q(enrollment__status=Enrollment.Status.COMPLETED),
    on_interrupted=_certificate_interrupted,
    request_missing=certificate_request_missing,
)
