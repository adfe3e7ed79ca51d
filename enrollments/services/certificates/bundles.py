"""Certificate downloads: one ZIP of the issued certificates of a course and/or period."""

import tempfile
import zipfile
from datetime import date

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from enrollments.models import CertificateBundle
from enrollments.selectors.certificates import certificate_bundle_certificates
from enrollments.services.jobs import JobKind, job_enqueue_on_commit

BUNDLE_TASK = "enrollments.tasks.certificate_bundle_task"
BUNDLE_JOB = JobKind(
    model=CertificateBundle,
    task_path=BUNDLE_TASK,
    task_arguments=lambda bundle: {"bundle_id": bundle.pk},
)


def certificate_bundle_request(
    *,
    actor: User,
    course_id: int | None = None,
    issued_from: date | None = None,
    issued_until: date | None = None,
) -> CertificateBundle:
    if course_id is None and issued_from is None and issued_until is None:
        raise RuleViolation(_("Choose a course or a period."), code="bundle_unfiltered")
    if issued_from and issued_until and issued_until < issued_from:
        raise RuleViolation(_("The period must end after it starts."), code="period_reversed")
    with transaction.atomic():
        bundle = CertificateBundle.objects.create(
            requested_by=actor,
            course_id=course_id,
            issued_from=issued_from,
            issued_until=issued_until,
        )
        job_enqueue_on_commit(job=bundle, task_path=BUNDLE_TASK, bundle_id=bundle.pk)
    return bundle


def certificate_bundle_build(*, bundle_id: int) -> CertificateBundle:
    """Write the ZIP in a temporary file, counting progress as it goes; safe to run again."""
    with transaction.atomic():
        bundle = CertificateBundle.objects.select_for_update().get(pk=bundle_id)
        if bundle.is_done:
            return bundle
        certificates = certificate_bundle_certificates(bundle=bundle)
        bundle.total = certificates.count()
        bundle.done = 0
        bundle.mark_running("total", "done")
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
        bundle.done = bundle.total
        bundle.mark_done("file", "done")
    except Exception as error:
        bundle.mark_failed(error)
        raise
    return bundle
