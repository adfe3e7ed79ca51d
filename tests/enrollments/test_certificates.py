import io
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from unittest import mock
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from academy.errors import RuleViolation
from academy.settings.env import JOBS_BACKEND
from courses.models import Track
from enrollments.models import (
    Certificate,
    CertificateBundle,
    CertificateEvent,
    CertificateSerialCounter,
    Enrollment,
    HourEntry,
    HoursRecord,
)
from enrollments.selectors.certificates import mask_name
from enrollments.services import recovery
from enrollments.services.certificates import bundles, hours_records, issuing, lifecycle
from tests.academy import factories
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db


def pdf_text(file_field) -> str:
    with file_field.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def qr_codes(file_field, tmp_path) -> list[str]:
    from PIL import Image

    from tests.system_tools import require_system_tool, require_zbar

    require_system_tool("pdftoppm", package="poppler-utils")
    require_zbar()
    from pyzbar.pyzbar import decode

    pdf_path = tmp_path / "document.pdf"
    with file_field.open("rb") as handle:
        pdf_path.write_bytes(handle.read())
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "150", "-png", str(pdf_path), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    image = Image.open(sorted(tmp_path.glob("page*.png"))[0])
    return [symbol.data.decode() for symbol in decode(image)]


def test_issue_renders_the_pdf_with_name_course_serial_and_a_qr_to_the_verification_page(
    tmp_path, django_capture_on_commit_callbacks
):
    enrollment = ef.completed_enrollment()

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuing.certificate_issue(enrollment_id=enrollment.pk)

    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.serial_number == "GC-2026-N-00001"
    text = pdf_text(certificate.pdf)
    assert "李晓明" in text
    assert "社会工作伦理与价值观" in text
    assert "GC-2026-N-00001" in text
    assert "12.5" in text
    verify_url = "http://127.0.0.1:8000" + reverse(
        "certificates:verify", args=[certificate.verification_code]
    )
    assert qr_codes(certificate.pdf, tmp_path) == [verify_url]
    assert len(certificate.verification_code) == 22  # 128 random bits, URL-safe base64
    assert len(mail.outbox) == 1
    assert "GC-2026-N-00001" in mail.outbox[0].body


def test_issuing_twice_keeps_one_certificate_one_serial_and_one_email(
    django_capture_on_commit_callbacks,
):
    enrollment = ef.completed_enrollment()
    with django_capture_on_commit_callbacks(execute=True):
        first = issuing.certificate_issue(enrollment_id=enrollment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = issuing.certificate_issue(enrollment_id=enrollment.pk)

    assert first.pk == second.pk
    assert second.serial_number == first.serial_number
    assert Certificate.objects.count() == 1
    assert CertificateSerialCounter.objects.get().last_number == 1
    assert len(mail.outbox) == 1


def test_completion_requests_and_issues_a_certificate(django_capture_on_commit_callbacks):
    from enrollments.services.completion import enrollment_completion_evaluate

    user = factories.trainee(full_name="张丽华")
    enrollment = ef.enrollment(course=ef.certified_course(), user=user)
    ef.hour_entry(user=user, enrollment=enrollment, hours=3)

    with django_capture_on_commit_callbacks(execute=True):
        assert enrollment_completion_evaluate(enrollment_id=enrollment.pk)

    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf
    assert [e.kind for e in certificate.events.all()] == ["requested", "issued"]


@pytest.fixture
def queued_tasks(settings):
    """Tasks are kept by django-tasks' dummy backend instead of run; this lists the
    enrolment tasks queued so far as (name, kwargs)."""
    from django_tasks import task_backends

    settings.TASKS = {
        **settings.TASKS,
        JOBS_BACKEND: {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "certificates"],
        },
    }
    return lambda: [
        (result.task.name, result.kwargs)
        for result in task_backends[JOBS_BACKEND].results
        if result.task.module_path.startswith("enrollments.")
    ]


def test_completing_an_enrolment_queues_exactly_one_certificate(
    queued_tasks, django_capture_on_commit_callbacks
):
    from enrollments.services.completion import enrollment_completion_evaluate

    user = factories.trainee(full_name="张丽华")
    enrollment = ef.enrollment(course=ef.certified_course(), user=user)
    ef.hour_entry(user=user, enrollment=enrollment, hours=3)

    with django_capture_on_commit_callbacks(execute=True):
        assert enrollment_completion_evaluate(enrollment_id=enrollment.pk)
        # The row is written with the completion; the job waits for the commit.
        assert Certificate.objects.filter(enrollment=enrollment).count() == 1
        assert queued_tasks() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert not enrollment_completion_evaluate(enrollment_id=enrollment.pk)

    assert queued_tasks() == [("certificate_issue_task", {"enrollment_id": enrollment.pk})]
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.job_status == Certificate.JobStatus.PENDING
    assert certificate.last_enqueued_at is not None
    assert [e.kind for e in certificate.events.all()] == ["requested"]


def test_serials_are_sequential_per_year_and_track():
    newcomer = ef.certified_course(code="n")
    intermediate = ef.certified_course(title="中级实务", code="i", track=Track.INTERMEDIATE)
    serials = [
        ef.issued_certificate(enrollment=ef.completed_enrollment(course=c)).serial_number
        for c in (newcomer, newcomer, intermediate)
    ]
    serials.append(
        ef.issued_certificate(
            enrollment=ef.completed_enrollment(course=newcomer, year=2025)
        ).serial_number
    )

    assert serials == ["GC-2026-N-00001", "GC-2026-N-00002", "GC-2026-I-00001", "GC-2025-N-00001"]


def test_a_failed_render_uses_no_serial_and_is_recorded(settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "SG"
    enrollment = ef.completed_enrollment()
    with (
        mock.patch.object(issuing, "render_certificate", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        issuing.certificate_issue(enrollment_id=enrollment.pk)
    outcome = issuing.certificate_record_failure(
        enrollment_id=enrollment.pk, error=OSError("disk full")
    )

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.job_status == Certificate.JobStatus.FAILED
    assert certificate.serial_number is None
    assert certificate.attempts == 1 and "disk full" in certificate.error
    assert outcome.retry_after is not None
    assert not CertificateSerialCounter.objects.filter(last_number__gt=0).exists()

    certificate = issuing.certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.serial_number == "SG-2026-N-00001"


def test_failures_stop_retrying_after_the_last_attempt(settings):
    settings.CERTIFICATE_MAX_ATTEMPTS = 2
    enrollment = ef.completed_enrollment()
    issuing.certificate_request(enrollment_id=enrollment.pk)
    first = issuing.certificate_record_failure(enrollment_id=enrollment.pk, error=ValueError())
    second = issuing.certificate_record_failure(enrollment_id=enrollment.pk, error=ValueError())

    assert first.retry_after is not None
    assert second.retry_after is None
    assert recovery.certificate_sweep() == 0


def test_a_refused_attempt_records_the_rule_and_is_not_retried():
    enrollment = ef.completed_enrollment()
    issuing.certificate_request(enrollment_id=enrollment.pk)
    refusal = RuleViolation("只有已结业的报名才能获得证书。", code="enrolment_not_completed")

    outcome = issuing.certificate_record_failure(enrollment_id=enrollment.pk, error=refusal)

    certificate = Certificate.objects.get()
    assert (outcome.attempts, outcome.retry_after) == (1, None)
    assert certificate.error == "只有已结业的报名才能获得证书。"
    assert [e.note for e in certificate.events.filter(kind=CertificateEvent.Kind.FAILED)] == [
        "只有已结业的报名才能获得证书。"
    ]


def test_an_active_enrolment_gets_no_certificate():
    enrollment = ef.completed_enrollment()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ACTIVE)

    with pytest.raises(RuleViolation):
        issuing.certificate_issue(enrollment_id=enrollment.pk)
    assert issuing.certificate_request(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()


def test_verification_page_shows_a_valid_certificate_with_the_name_masked(client):
    certificate = ef.issued_certificate()

    response = client.get(reverse("certificates:verify", args=[certificate.verification_code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "有效" in page
    assert "李*明" in page and "李晓明" not in page
    assert "GC-2026-N-00001" in page and "社会工作伦理与价值观" in page
    user = certificate.enrollment.user
    assert user.email not in page and user.phone not in page


def test_verification_page_shows_a_revoked_certificate_with_date_and_reason(client, admin_user):
    certificate = ef.issued_certificate()
    lifecycle.certificate_revoke(
        certificate_id=certificate.pk, actor=admin_user, reason="培训记录有误"
    )

    response = client.get(
        reverse("certificates:verify", args=[certificate.verification_code]),
        HTTP_COOKIE="academy_language=en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Revoked" in page and "培训记录有误" in page
    assert certificate.enrollment.completed_at.strftime("%Y") in page


def test_verification_of_an_unknown_code_is_a_404_with_a_message(client):
    response = client.get(reverse("certificates:verify", args=["no-such-code"]))

    assert response.status_code == 404
    assert "未知" in response.content.decode()


def test_search_by_serial_needs_the_full_name(client):
    ef.issued_certificate()
    url = reverse("certificates:verify_search")

    found = client.get(url, {"serial_number": "gc-2026-n-00001", "full_name": "李晓明"})
    wrong_name = client.get(url, {"serial_number": "GC-2026-N-00001", "full_name": "李晓"})
    empty = client.get(url)

    assert found.status_code == 200 and "李*明" in found.content.decode()
    assert wrong_name.status_code == 404
    assert empty.status_code == 200


def test_search_by_serial_is_limited_per_address(client, settings):
    settings.CERTIFICATE_LOOKUP_RATE = "3/10m"
    ef.issued_certificate()
    url = reverse("certificates:verify_search")
    guess = {"serial_number": "GC-2026-N-00001", "full_name": "王明"}
    right = {"serial_number": "GC-2026-N-00001", "full_name": "李晓明"}

    tries = [client.get(url, guess, REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    refused = client.get(url, right, REMOTE_ADDR="203.0.113.7")
    elsewhere = client.get(url, right, REMOTE_ADDR="198.51.100.1")

    assert tries == [404, 404, 404]
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "查询次数过多" in page and "李*明" not in page
    assert elsewhere.status_code == 200 and "李*明" in elsewhere.content.decode()
    # The empty search form is not a look-up.
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_only_the_holder_or_an_administrator_downloads_a_certificate(client, admin_user):
    certificate = ef.issued_certificate()
    url = reverse("certificates:download", args=[certificate.pk])
    other = factories.trainee(full_name="赵建国")

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('accounts:login')}?next={quote(url)}"
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(certificate.enrollment.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_my_certificates_lists_only_mine_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    user = factories.trainee(full_name="李晓明")
    other = ef.completed_enrollment(
        user=factories.trainee(full_name="孙梅"), course=ef.certified_course()
    )
    ef.issued_certificate(enrollment=other)
    client.force_login(user)
    for size in (1, 5):
        while Certificate.objects.filter(enrollment__user=user).count() < size:
            ef.issued_certificate(
                enrollment=ef.completed_enrollment(user=user, course=ef.certified_course())
            )
        with django_assert_max_num_queries(10):
            response = client.get(reverse("certificates:mine"))
        page = response.content.decode()
        assert page.count("/download/") == size
        assert other.certificate.serial_number not in page


def test_reissue_keeps_the_serial_makes_a_new_pdf_and_keeps_history(
    admin_user, django_capture_on_commit_callbacks
):
    certificate = ef.issued_certificate()
    first_pdf = certificate.pdf.name
    lifecycle.certificate_revoke(certificate_id=certificate.pk, actor=admin_user, reason="更正")

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.certificate_reissue(certificate_id=certificate.pk, actor=admin_user)

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.serial_number == "GC-2026-N-00001"
    assert certificate.version == 2 and certificate.pdf.name != first_pdf
    assert certificate.pdf.storage.exists(first_pdf)
    assert list(certificate.events.values_list("kind", flat=True)) == [
        CertificateEvent.Kind.ISSUED,
        CertificateEvent.Kind.REVOKED,
        CertificateEvent.Kind.REISSUE_REQUESTED,
        CertificateEvent.Kind.REISSUED,
    ]
    assert CertificateSerialCounter.objects.get().last_number == 1


def test_revoking_drops_a_reissue_that_is_still_queued(admin_user):
    certificate = ef.issued_certificate()
    lifecycle.certificate_reissue(certificate_id=certificate.pk, actor=admin_user)
    assert Certificate.objects.get().job_status == Certificate.JobStatus.PENDING

    lifecycle.certificate_revoke(certificate_id=certificate.pk, actor=admin_user, reason="错发")
    again = issuing.certificate_issue(enrollment_id=certificate.enrollment_id)

    assert again.status == Certificate.Status.REVOKED
    assert again.version == 1
    assert recovery.certificate_sweep() == 0


def test_revoking_needs_a_reason(admin_user):
    certificate = ef.issued_certificate()
    with pytest.raises(RuleViolation):
        lifecycle.certificate_revoke(certificate_id=certificate.pk, actor=admin_user, reason=" ")


def test_sweep_command_issues_completed_enrolments_that_have_no_certificate(
    django_capture_on_commit_callbacks,
):
    enrollment = ef.completed_enrollment()
    stdout = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        call_command("issue_pending_certificates", stdout=stdout)

    assert Certificate.objects.get(enrollment=enrollment).status == Certificate.Status.ISSUED
    assert stdout.getvalue() == "Queued 1 certificate(s).\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.certificate_sweep() == 0


def test_bundle_zips_the_certificates_of_a_course_with_progress(
    admin_user, django_capture_on_commit_callbacks
):
    page = ef.certified_course()
    for name in ("李晓明", "张丽华"):
        enrollment = ef.completed_enrollment(user=factories.trainee(full_name=name), course=page)
        ef.issued_certificate(enrollment=enrollment)
    ef.issued_certificate(enrollment=ef.completed_enrollment(course=ef.certified_course()))

    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundles.certificate_bundle_request(actor=admin_user, course_id=page.pk)

    bundle.refresh_from_db()
    assert bundle.job_status == CertificateBundle.JobStatus.DONE
    assert (bundle.total, bundle.done) == (2, 2)
    with bundle.file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert names == ["GC-2026-N-00001-李晓明.pdf", "GC-2026-N-00002-张丽华.pdf"]


def test_hours_record_lists_courses_and_hours_and_can_be_verified(
    client, tmp_path, django_capture_on_commit_callbacks
):
    enrollment = ef.completed_enrollment(hours=Decimal("12.5"))
    user = enrollment.user
    ef.completed_enrollment(
        user=user, course=ef.certified_course(title="社区工作方法"), hours=Decimal("6")
    )
    ef.hour_entry(
        user=user, source=HourEntry.Source.EXTERNAL_TRAINING, hours=3, date=date(2019, 1, 1)
    )
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:hours_records"),
            {"period_start": "2024-01-01", "period_end": "2026-12-31"},
        )

    assert response.status_code == 302
    record = HoursRecord.objects.get()
    assert record.job_status == HoursRecord.JobStatus.DONE
    assert record.total_hours == Decimal("18.5")
    text = pdf_text(record.pdf)
    assert "继续教育学时证明" in text and "社区工作方法" in text and "18.5" in text
    verify_url = reverse("certificates:hours_verify", args=[record.verification_code])
    assert qr_codes(record.pdf, tmp_path) == ["http://127.0.0.1:8000" + verify_url]
    assert client.get(verify_url).status_code == 200
    download = reverse("certificates:hours_download", args=[record.pk])
    assert client.get(download).status_code == 200
    client.force_login(factories.trainee())
    assert client.get(download).status_code == 404


def test_admin_can_manage_certificates_and_trainees_cannot(client, admin_user, trainee_user):
    certificate = ef.issued_certificate()
    detail = reverse("certificates_admin:detail", args=[certificate.pk])

    client.force_login(trainee_user)
    # Someone who may not use the admin is sent to the admin's login page.
    refused = client.get(detail)
    assert refused.status_code == 302
    assert refused.url == f"{reverse('wagtailadmin_login')}?next={quote(detail)}"
    revoke = reverse("certificates_admin:revoke", args=[certificate.pk])
    refused = client.post(revoke, {"reason": "x"})
    assert refused.status_code == 302
    assert refused.url == f"{reverse('wagtailadmin_login')}?next={quote(revoke)}"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED

    client.force_login(admin_user)
    assert client.get(detail).status_code == 200
    assert client.get(reverse("certificate_records:index")).status_code == 200
    index = reverse("certificate_records:index")
    listed = client.get(index, {"status": "issued", "year": 2026}).content.decode()
    assert listed.count("GC-2026-N-00001") == 1
    assert client.get(index, {"job_status": "failed"}).content.decode().count("GC-2026-N-") == 0
    assert client.get(reverse("certificate_templates:add")).status_code == 200
    assert client.get(reverse("certificates_admin:bundles")).status_code == 200
    client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "撤销"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_mask_name():
    assert mask_name(name="李晓明") == "李*明"
    assert mask_name(name="欧阳晓燕") == "欧**燕"
    assert mask_name(name="王五") == "王*"
    assert mask_name(name="Anna Li") == "A*** L*"


def test_seeded_demo_has_an_issued_certificate_with_its_pdf():
    call_command("seed_demo", stdout=io.StringIO())
    certificate = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
    assert certificate is not None
    assert certificate.pdf.storage.exists(certificate.pdf.name)


def test_sample_certificate_draws_its_holder_course_and_serial():
    from enrollments.documents.certificate import (
        CertificateDesign,
        render_certificate,
        sample_certificate_content,
    )

    content = sample_certificate_content("GC-2026-N-00077")
    pdf = render_certificate(
        content, CertificateDesign(title="结业证书", body="{name}《{course}》")
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert content.holder_name in text
    assert "GC-2026-N-00077" in text


@pytest.mark.parametrize(
    ("period", "code", "message"),
    [
        ({"period_start": "2026-01-01"}, "period_incomplete", "请同时填写两个日期"),
        (
            {"period_start": "2026-06-01", "period_end": "2026-01-01"},
            "period_reversed",
            "截止日期必须晚于起始日期",
        ),
    ],
)
def test_an_hours_record_period_is_checked_by_the_service_and_shown_on_the_form(
    client, trainee_user, period, code, message
):
    with pytest.raises(RuleViolation) as refusal:
        hours_records.hours_record_request(
            user=trainee_user,
            requested_by=trainee_user,
            period_start=date.fromisoformat(period["period_start"]),
            period_end=date.fromisoformat(period["period_end"]) if "period_end" in period else None,
        )
    assert refusal.value.code == code

    client.force_login(trainee_user)
    response = client.post(reverse("certificates:hours_records"), period)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HoursRecord.objects.exists()


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        ({}, "bundle_unfiltered"),
        ({"issued_from": "2026-06-01", "issued_until": "2026-01-01"}, "period_reversed"),
    ],
)
def test_a_bundle_needs_a_course_or_a_forward_period(client, admin_user, choice, code):
    dates = {key: date.fromisoformat(value) for key, value in choice.items()}
    with pytest.raises(RuleViolation) as refusal:
        bundles.certificate_bundle_request(actor=admin_user, **dates)
    assert refusal.value.code == code

    client.force_login(admin_user)
    form = {"course": "", "issued_from": "", "issued_until": "", **choice}
    response = client.post(reverse("certificates_admin:bundles"), form)
    assert response.status_code == 200
    assert refusal.value.text in response.content.decode()
    assert not CertificateBundle.objects.exists()
