"""Reading certificates, certificate downloads and hours records, and what they say."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Min, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from academy.models import AcademySettings, User
from academy.roles import is_administrator
from enrollments.documents.certificate import HoursRecordLine
from enrollments.models import (
    Certificate,
    CertificateBundle,
    CertificateEvent,
    CertificateTemplate,
    Enrollment,
    HourEntry,
    HoursRecord,
)
from enrollments.selectors.hours import ce_policy_and_cycle


def absolute_url(*, path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def certificate_verification_url(*, certificate: Certificate) -> str:
    return absolute_url(
        path=reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    )


def hours_record_verification_url(*, record: HoursRecord) -> str:
    return absolute_url(
        path=reverse("certificates:hours_verify", kwargs={"code": record.verification_code})
    )


def academy_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return AcademySettings.for_site(site).academy_name
    return str(settings.ACADEMY_NAME)


def certificate_template_for(*, track: str) -> CertificateTemplate:
    """The track's template, else the default one, else an unsaved built-in default."""
    templates = {t.track: t for t in CertificateTemplate.objects.filter(track__in=[track, ""])}
    return templates.get(track) or templates.get("") or CertificateTemplate(track="")


def enrollment_hours(*, enrollment: Enrollment) -> Decimal:
    total = HourEntry.objects.filter(enrollment=enrollment).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def mask_name(*, name: str) -> str:
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


def certificate_list_for_user(*, user: User) -> QuerySet[Certificate]:
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
            *Certificate.STATED_FIELDS,
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


def certificate_get_for_download(*, user: User, certificate_id: int) -> Certificate | None:
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


def certificate_bundle_certificates(*, bundle: CertificateBundle) -> QuerySet[Certificate]:
    """The issued certificates with a PDF that a download's course and period select."""
    certificates = Certificate.objects.filter(status=Certificate.Status.ISSUED).exclude(pdf="")
    if bundle.course_id:
        certificates = certificates.filter(enrollment__course_id=bundle.course_id)
    if bundle.issued_from:
        certificates = certificates.filter(issued_at__date__gte=bundle.issued_from)
    if bundle.issued_until:
        certificates = certificates.filter(issued_at__date__lte=bundle.issued_until)
    return certificates.order_by("serial_number")


def default_cycle(*, user: User, today: date | None = None) -> tuple[date, date]:
    """The trainee's current continuing-education cycle, else the three years up to today."""
    today = today or timezone.localdate()
    _policy, cycle = ce_policy_and_cycle(user=user, today=today)
    if cycle is not None:
        return cycle
    try:
        start = today.replace(year=today.year - 3) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 3, day=28) + timedelta(days=1)
    return start, today


def hours_record_lines(
    *, user: User, period_start: date, period_end: date
) -> list[HoursRecordLine]:
    """Hours from the ledger in the period: one line per course, one per external
    training (its title, provider and date), the others by source."""
    rows = (
        HourEntry.objects.filter(user=user, date__gte=period_start, date__lte=period_end)
        .values(
            "course__title",
            "source",
            "external_training_id",
            "external_training__title",
            "external_training__provider",
            "external_training__date",
        )
        .annotate(hours=Sum("hours"), first=Min("date"), last=Max("date"))
        .order_by("first", "course__title", "external_training_id")
    )
    sources = dict(HourEntry.Source.choices)
    lines = []
    for row in rows:
        if not row["hours"]:
            continue
        if row["external_training_id"]:
            day = row["external_training__date"]
            lines.append(
                HoursRecordLine(
                    row["external_training__title"],
                    day,
                    day,
                    row["hours"],
                    provider=row["external_training__provider"],
                )
            )
            continue
        with translation.override(settings.LANGUAGE_CODE):
            title = row["course__title"] or str(sources.get(row["source"], row["source"]))
        lines.append(HoursRecordLine(title, row["first"], row["last"], row["hours"]))
    return lines


def hours_record_list_for_user(*, user: User) -> QuerySet[HoursRecord]:
    return HoursRecord.objects.filter(user=user).order_by("-created_at", "-pk")


def hours_record_get_for_download(*, user: User, record_id: int) -> HoursRecord | None:
    if not user.is_authenticated:
        return None
    records = HoursRecord.objects.filter(job_status=HoursRecord.JobStatus.DONE).exclude(pdf="")
    if not is_administrator(user):
        records = records.filter(user=user)
    return records.filter(pk=record_id).first()


def hours_record_for_verification(*, code: str) -> HoursRecord | None:
    return HoursRecord.objects.filter(
        verification_code=code, job_status=HoursRecord.JobStatus.DONE
    ).first()
