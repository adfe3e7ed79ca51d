"""Reading certificates and hours records."""

from django.db.models import QuerySet

from academy.roles import is_administrator
from enrollments.models import Certificate, CertificateBundle, CertificateEvent, HoursRecord


def mask_name(name: str) -> str:
    """李晓明 → 李*明, 欧阳晓燕 → 欧**燕, 王五 → 王*; Latin names keep each word's first letter."""
    name = name.strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificate_list_for_user(*, user) -> QuerySet[Certificate]:
    """The trainee's own certificates that can be shown or downloaded, newest first."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(enrollment__user=user)
        .select_related("enrollment__course")
        .order_by("-issued_at", "-pk")
    )


def certificate_for_verification(*, code: str) -> Certificate | None:
    """A certificate that was issued (and may since be revoked), by its public code."""
    return (
        Certificate.objects.filter(verification_code=code)
        .filter(version__gt=0)
        .only(
            "status",
            "serial_number",
            "verification_code",
            "holder_name",
            "course_title",
            "track_name",
            "hours",
            "completed_on",
            "issued_at",
            "revoked_at",
            "revoked_reason",
            "version",
        )
        .first()
    )


def certificate_find_by_serial(*, serial_number: str, full_name: str) -> Certificate | None:
    """The certificate with this serial number, only if the full name matches too."""
    serial_number = serial_number.strip().upper()
    full_name = "".join(full_name.split())
    if not serial_number or not full_name:
        return None
    certificate = certificate_for_verification_by_serial(serial_number=serial_number)
    if certificate is None or "".join(certificate.holder_name.split()) != full_name:
        return None
    return certificate


def certificate_for_verification_by_serial(*, serial_number: str) -> Certificate | None:
    return Certificate.objects.filter(serial_number=serial_number).filter(version__gt=0).first()


def certificate_get_for_download(*, user, certificate_id: int) -> Certificate | None:
    """The certificate's PDF, only for its holder or an administrator; None otherwise."""
    if not user.is_authenticated:
        return None
    certificates = Certificate.objects.exclude(pdf="").exclude(status=Certificate.Status.REVOKED)
    if not is_administrator(user):
        certificates = certificates.filter(enrollment__user=user)
    return certificates.filter(pk=certificate_id).first()


def certificate_events(*, certificate: Certificate) -> QuerySet[CertificateEvent]:
    return certificate.events.select_related("actor").order_by("at", "pk")


def certificate_bundles(*, limit: int = 20) -> QuerySet[CertificateBundle]:
    return CertificateBundle.objects.select_related("course", "requested_by")[:limit]


def hours_record_list_for_user(*, user) -> QuerySet[HoursRecord]:
    return HoursRecord.objects.filter(user=user).order_by("-created_at", "-pk")


def hours_record_get_for_download(*, user, record_id: int) -> HoursRecord | None:
    if not user.is_authenticated:
        return None
    records = HoursRecord.objects.filter(status=HoursRecord.Status.ISSUED).exclude(pdf="")
    if not is_administrator(user):
        records = records.filter(user=user)
    return records.filter(pk=record_id).first()


def hours_record_for_verification(*, code: str) -> HoursRecord | None:
    return HoursRecord.objects.filter(
        verification_code=code, status=HoursRecord.Status.ISSUED
    ).first()
