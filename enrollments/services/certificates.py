"""Certificates: request, issue (exactly once, with a gap-free serial), revoke, re-issue,
ZIP bundles and continuing-education hours records."""

import logging
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enrollments.documents.certificate import (
    CertificateContent,
    CertificateDesign,
    HoursRecordContent,
    HoursRecordLine,
    render_certificate,
    render_hours_record,
)
from enrollments.models import (
    Certificate,
    CertificateBundle,
    CertificateEvent,
    CertificateSerialCounter,
    CertificateTemplate,
    Enrollment,
    HourEntry,
    HoursRecord,
)

logger = logging.getLogger(__name__)

# A pending certificate queued more recently than this is left to its job by the sweep.
SWEEP_GRACE = timedelta(minutes=10)
DEFAULT_BODY = CertificateTemplate._meta.get_field("body").default
DEFAULT_TITLE = CertificateTemplate._meta.get_field("title").default


class CertificateError(Exception):
    """A request that the certificate's state does not allow, with a message for people."""


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def certificate_verification_url(*, certificate: Certificate) -> str:
    return absolute_url(
        reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    )


def hours_record_verification_url(*, record: HoursRecord) -> str:
    return absolute_url(
        reverse("certificates:hours_verify", kwargs={"code": record.verification_code})
    )


def academy_name() -> str:
    from wagtail.models import Site

    from academy.models import AcademySettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return AcademySettings.for_site(site).academy_name
    return str(settings.ACADEMY_NAME)


def max_attempts() -> int:
    return settings.CERTIFICATE_MAX_ATTEMPTS


def retry_delay(*, attempts: int) -> timedelta:
    """Backoff before the next try after ``attempts`` failures."""
    steps = settings.CERTIFICATE_RETRY_BACKOFF_SECONDS
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1] if steps else 0)


# Requesting -----------------------------------------------------------------------------


def _enqueue_issue(*, certificate: Certificate) -> None:
    from enrollments.tasks import certificate_issue_task

    Certificate.objects.filter(pk=certificate.pk).update(last_enqueued_at=timezone.now())
    enrollment_id = certificate.enrollment_id
    transaction.on_commit(lambda: certificate_issue_task.enqueue(enrollment_id=enrollment_id))


def certificate_request(*, enrollment_id: int) -> Certificate | None:
    """Make sure a completed enrolment has a certificate row and a job that issues it.

    Safe to call any number of times: the row is unique per enrolment, and an
    issued or revoked certificate is left alone.
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
        if not certificate.is_settled:
            _enqueue_issue(certificate=certificate)
    return certificate


# Issuing ----------------------------------------------------------------------------------


def certificate_template_for(*, track: str) -> CertificateTemplate:
    """The track's template, else the default one, else an unsaved built-in default."""
    templates = {t.track: t for t in CertificateTemplate.objects.filter(track__in=[track, ""])}
    return templates.get(track) or templates.get("") or CertificateTemplate(track="")


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


def enrollment_hours(*, enrollment: Enrollment) -> Decimal:
    total = HourEntry.objects.filter(enrollment=enrollment).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


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


def _send_issued_email(*, certificate_id: int, reissued: bool) -> None:
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    user = certificate.enrollment.user
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Your certificate for %(course)s has been re-issued")
            if reissued
            else _("Your certificate for %(course)s is ready")
        ) % {"course": certificate.course_title}
        body = _(
            "Dear %(name)s,\n\n"
            "your completion certificate for %(course)s (serial number %(serial)s) is ready. "
            "Download it from your certificates page:\n%(mine)s\n\n"
            "Anyone can check it at:\n%(verify)s\n"
        ) % {
            "name": certificate.holder_name,
            "course": certificate.course_title,
            "serial": certificate.serial_number,
            "mine": absolute_url(reverse("certificates:mine")),
            "verify": certificate_verification_url(certificate=certificate),
        }
    send_mail(subject, body, None, [user.email])


def certificate_issue(*, enrollment_id: int) -> Certificate:
    """Render, store and mark issued the certificate of a completed enrolment, exactly once.

    The certificate row is locked for the whole step, so concurrent calls wait
    and then find it issued. The serial number is allocated in the same
    transaction, only when the certificate has none: if rendering or storing
    fails, the counter rolls back with it and no number is lost.
    """
    if not Enrollment.objects.filter(pk=enrollment_id, status=Enrollment.Status.COMPLETED).exists():
        raise CertificateError(_("Only a completed enrolment earns a certificate."))
    Certificate.objects.get_or_create(enrollment_id=enrollment_id)
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("enrollment__user", "enrollment__course")
            .get(enrollment_id=enrollment_id)
        )
        if certificate.is_settled:
            return certificate
        enrollment = certificate.enrollment
        if enrollment.status != Enrollment.Status.COMPLETED:
            raise CertificateError(_("Only a completed enrolment earns a certificate."))

        course = enrollment.course
        curriculum = course.get_parent().specific
        completed_at = timezone.localtime(enrollment.completed_at or timezone.now())
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
        now = timezone.now()
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
        certificate.reissue_requested = False
        certificate.revoked_at = None
        certificate.revoked_reason = ""
        certificate.last_error = ""
        certificate.save()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.REISSUED if reissued else CertificateEvent.Kind.ISSUED,
            pdf_name=certificate.pdf.name,
        )
        certificate_id = certificate.pk
        transaction.on_commit(
            lambda: _send_issued_email(certificate_id=certificate_id, reissued=reissued),
            robust=True,
        )
    return certificate


@dataclass(frozen=True)
class FailureOutcome:
    attempts: int
    retry_after: timedelta | None


def certificate_record_failure(*, enrollment_id: int, error: BaseException) -> FailureOutcome:
    """Note a failed attempt; say whether (and when) to try again."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().filter(enrollment_id=enrollment_id).first()
        )
        if certificate is None or certificate.is_settled:
            return FailureOutcome(attempts=0, retry_after=None)
        certificate.attempts += 1
        if certificate.status == Certificate.Status.PENDING:
            certificate.status = Certificate.Status.FAILED
        certificate.last_error = f"{type(error).__name__}: {error}"[:2000]
        certificate.save(update_fields=["attempts", "status", "last_error", "updated_at"])
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.FAILED, note=certificate.last_error
        )
    if certificate.attempts >= max_attempts() or isinstance(error, CertificateError):
        return FailureOutcome(attempts=certificate.attempts, retry_after=None)
    return FailureOutcome(
        attempts=certificate.attempts, retry_after=retry_delay(attempts=certificate.attempts)
    )


def certificate_mark_enqueued(*, enrollment_id: int) -> None:
    Certificate.objects.filter(enrollment_id=enrollment_id).update(last_enqueued_at=timezone.now())


def certificate_sweep(*, now: datetime | None = None) -> int:
    """Queue every completed enrolment whose certificate is missing or stuck; return how many.

    Covers completions whose job was lost (for example during a Redis outage):
    no certificate row, or a pending or failed one with attempts left that was
    not queued within the last few minutes.
    """
    now = now or timezone.now()
    stale = now - SWEEP_GRACE
    enrollment_ids = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).filter(
        Q(certificate__isnull=True)
        | (
            (
                Q(certificate__status__in=[Certificate.Status.PENDING, Certificate.Status.FAILED])
                | Q(certificate__reissue_requested=True)
            )
            & Q(certificate__attempts__lt=max_attempts())
            & (
                Q(certificate__last_enqueued_at__isnull=True)
                | Q(certificate__last_enqueued_at__lt=stale)
            )
        )
    )
    count = 0
    for enrollment_id in enrollment_ids.values_list("pk", flat=True).iterator():
        if certificate_request(enrollment_id=enrollment_id) is not None:
            count += 1
    return count


# Administration ---------------------------------------------------------------------------


def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give a reason for the revocation."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.ISSUED:
            raise CertificateError(_("Only an issued certificate can be revoked."))
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.reissue_requested = False
        certificate.save()
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.REVOKED, actor=actor, note=reason
        )
    return certificate


def certificate_reissue(*, certificate_id: int, actor, note: str = "") -> Certificate:
    """Queue a new PDF with the same serial number; the earlier files and events stay."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.serial_number is None:
            raise CertificateError(_("This certificate has not been issued yet."))
        certificate.reissue_requested = True
        certificate.attempts = 0
        certificate.save()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.REISSUE_REQUESTED,
            actor=actor,
            note=note.strip(),
        )
        _enqueue_issue(certificate=certificate)
    return certificate


def certificate_bundle_request(
    *,
    actor,
    course_id: int | None = None,
    issued_from: date | None = None,
    issued_until: date | None = None,
) -> CertificateBundle:
    if course_id is None and issued_from is None and issued_until is None:
        raise CertificateError(_("Choose a course or a period."))
    if issued_from and issued_until and issued_until < issued_from:
        raise CertificateError(_("The period must end after it starts."))
    from enrollments.tasks import certificate_bundle_task

    with transaction.atomic():
        bundle = CertificateBundle.objects.create(
            requested_by=actor,
            course_id=course_id,
            issued_from=issued_from,
            issued_until=issued_until,
        )
        bundle_id = bundle.pk
        transaction.on_commit(lambda: certificate_bundle_task.enqueue(bundle_id=bundle_id))
    return bundle


def certificate_bundle_certificates(*, bundle: CertificateBundle):
    certificates = Certificate.objects.filter(status=Certificate.Status.ISSUED).exclude(pdf="")
    if bundle.course_id:
        certificates = certificates.filter(enrollment__course_id=bundle.course_id)
    if bundle.issued_from:
        certificates = certificates.filter(issued_at__date__gte=bundle.issued_from)
    if bundle.issued_until:
        certificates = certificates.filter(issued_at__date__lte=bundle.issued_until)
    return certificates.order_by("serial_number")


def certificate_bundle_build(*, bundle_id: int) -> CertificateBundle:
    """Write the ZIP in a temporary file, counting progress as it goes; safe to run again."""
    with transaction.atomic():
        bundle = CertificateBundle.objects.select_for_update().get(pk=bundle_id)
        if bundle.status == CertificateBundle.Status.READY:
            return bundle
        certificates = certificate_bundle_certificates(bundle=bundle)
        bundle.status = CertificateBundle.Status.RUNNING
        bundle.total = certificates.count()
        bundle.done = 0
        bundle.save(update_fields=["status", "total", "done"])
    try:
        with tempfile.TemporaryFile() as scratch:
            with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_STORED) as archive:
                for done, certificate in enumerate(
                    certificates.only("serial_number", "holder_name", "pdf").iterator(), start=1
                ):
                    with certificate.pdf.open("rb") as handle:
                        archive.writestr(
                            f"{certificate.serial_number}-{certificate.holder_name}.pdf",
                            handle.read(),
                        )
                    if done % 10 == 0 or done == bundle.total:
                        CertificateBundle.objects.filter(pk=bundle_id).update(done=done)
            scratch.seek(0)
            bundle.file.save(
                f"certificates-{bundle_id}-{timezone.localdate():%Y%m%d}.zip",
                File(scratch),
                save=False,
            )
        bundle.status = CertificateBundle.Status.READY
        bundle.done = bundle.total
        bundle.finished_at = timezone.now()
        bundle.save(update_fields=["file", "status", "done", "finished_at"])
    except Exception as error:
        CertificateBundle.objects.filter(pk=bundle_id).update(
            status=CertificateBundle.Status.FAILED, last_error=str(error)[:2000]
        )
        raise
    return bundle


# Continuing-education hours records -------------------------------------------------------


def default_cycle(*, user, today: date | None = None) -> tuple[date, date]:
    """The trainee's current continuing-education cycle, else the three years up to today."""
    from enrollments.selectors.hours import ce_policy_and_cycle

    today = today or timezone.localdate()
    _policy, cycle = ce_policy_and_cycle(user=user, today=today)
    if cycle is not None:
        return cycle
    try:
        start = today.replace(year=today.year - 3) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 3, day=28) + timedelta(days=1)
    return start, today


def hours_record_request(
    *, user, requested_by, period_start: date | None = None, period_end: date | None = None
) -> HoursRecord:
    if period_start is None or period_end is None:
        period_start, period_end = default_cycle(user=user)
    if period_end < period_start:
        raise CertificateError(_("The period must end after it starts."))
    from enrollments.tasks import hours_record_task

    with transaction.atomic():
        record = HoursRecord.objects.create(
            user=user,
            requested_by=requested_by,
            period_start=period_start,
            period_end=period_end,
            holder_name=user.full_name,
        )
        record_id = record.pk
        transaction.on_commit(lambda: hours_record_task.enqueue(record_id=record_id))
    return record


def hours_record_lines(*, user, period_start: date, period_end: date) -> list[HoursRecordLine]:
    """Hours from the ledger in the period, one line per course (others by source)."""
    rows = (
        HourEntry.objects.filter(user=user, date__gte=period_start, date__lte=period_end)
        .values("course__title", "source")
        .annotate(hours=Sum("hours"), first=Min("date"), last=Max("date"))
        .order_by("first", "course__title")
    )
    sources = dict(HourEntry.Source.choices)
    lines = []
    for row in rows:
        if not row["hours"]:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            title = row["course__title"] or str(sources.get(row["source"], row["source"]))
        lines.append(HoursRecordLine(title, row["first"], row["last"], row["hours"]))
    return lines


def hours_record_issue(*, record_id: int) -> HoursRecord:
    with transaction.atomic():
        record = HoursRecord.objects.select_for_update().select_related("user").get(pk=record_id)
        if record.status == HoursRecord.Status.ISSUED:
            return record
        from academy.models import TraineeProfile

        profile = TraineeProfile.objects.filter(user=record.user).first()
        content = HoursRecordContent(
            academy_name=academy_name(),
            holder_name=record.user.full_name,
            period_start=record.period_start,
            period_end=record.period_end,
            issued_on=timezone.localdate(),
            verification_url=hours_record_verification_url(record=record),
            qualification=profile.get_qualification_level_display()
            if profile and profile.qualification_level
            else "",
            lines=hours_record_lines(
                user=record.user, period_start=record.period_start, period_end=record.period_end
            ),
        )
        record.pdf.save(
            f"hours-{record.verification_code}.pdf",
            ContentFile(render_hours_record(content)),
            save=False,
        )
        record.holder_name = content.holder_name
        record.total_hours = content.total_hours
        record.status = HoursRecord.Status.ISSUED
        record.issued_at = timezone.now()
        record.last_error = ""
        record.save()
    return record


def hours_record_record_failure(*, record_id: int, error: BaseException) -> FailureOutcome:
    with transaction.atomic():
        record = HoursRecord.objects.select_for_update().get(pk=record_id)
        if record.status == HoursRecord.Status.ISSUED:
            return FailureOutcome(attempts=record.attempts, retry_after=None)
        record.attempts += 1
        record.status = HoursRecord.Status.FAILED
        record.last_error = f"{type(error).__name__}: {error}"[:2000]
        record.save(update_fields=["attempts", "status", "last_error"])
    if record.attempts >= max_attempts():
        return FailureOutcome(attempts=record.attempts, retry_after=None)
    return FailureOutcome(
        attempts=record.attempts, retry_after=retry_delay(attempts=record.attempts)
    )
