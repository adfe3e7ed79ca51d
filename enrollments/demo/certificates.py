"""Demo certificates: every completed demo enrolment ends up with an issued certificate."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, Track
from enrollments.models import Certificate, Enrollment, HourEntry
from enrollments.services.certificates.issuing import certificate_issue


def _ensure_completed_enrollment() -> None:
    """Complete one enrolment of the demo trainee when the demo has none completed."""
    trainee = get_user_model().objects.filter(username="trainee").first()
    if trainee is None:
        return
    course = CoursePage.objects.live().exclude(enrollments__user=trainee).first()
    if course is None and not CoursePage.objects.exists():
        catalog = CourseCatalogPage.objects.first()
        if catalog is None:
            return
        curriculum = CurriculumPage.objects.filter(track=Track.NEWCOMER).first()
        if curriculum is None:
            curriculum = CurriculumPage(
                title="新人培育", slug="newcomer", track=Track.NEWCOMER, code="n"
            )
            catalog.add_child(instance=curriculum)
            curriculum.save_revision().publish()
        course = CoursePage(
            title="社会工作伦理与价值观",
            slug="ethics-and-values",
            summary="社会工作的专业伦理、价值观与常见伦理困境的处理。",
            delivery_mode="online",
            class_hours=Decimal("12"),
        )
        curriculum.add_child(instance=course)
        course.save_revision().publish()
    if course is None:
        return
    completed_at = timezone.now() - timedelta(days=30)
    enrollment = Enrollment.objects.create(
        user=trainee,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=completed_at,
    )
    HourEntry.objects.create(
        user=trainee,
        enrollment=enrollment,
        course=course,
        source=HourEntry.Source.ONLINE_LESSON,
        hours=course.class_hours or Decimal("12"),
        date=timezone.localdate(completed_at),
        description=course.title,
    )


@transaction.atomic
def seed_certificates() -> None:
    if not Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).exists():
        _ensure_completed_enrollment()
    # Issued certificates whose PDF was never drawn (the year of history) are left to the
    # certificate sweep: drawing a thousand PDFs is no work for the seed.
    completed = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).exclude(
        certificate__status=Certificate.Status.ISSUED, certificate__pdf=""
    )
    for enrollment_id in completed.values_list("pk", flat=True):
        certificate = Certificate.objects.filter(enrollment_id=enrollment_id).first()
        if (
            certificate is not None
            and certificate.pdf.name
            and certificate.pdf.storage.exists(certificate.pdf.name)
        ):
            continue
        if certificate is not None and certificate.status == Certificate.Status.ISSUED:
            # The file went missing (for example a fresh media folder): draw it again.
            Certificate.objects.filter(pk=certificate.pk).update(
                job_status=Certificate.JobStatus.PENDING
            )
        certificate_issue(enrollment_id=enrollment_id)
