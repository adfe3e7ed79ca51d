from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.errors import RuleViolation
from academy.models import QualificationLevel
from enrollments.models import ContinuingEducationPolicy, ExternalTraining, HourEntry
from enrollments.selectors.hours import ce_cycle_for, hours_summary
from enrollments.services.external_training import (
    external_training_approve,
    external_training_reject,
    external_training_submit,
)
from enrollments.services.ledger import hour_entry_adjust, hour_entry_correct
from tests.academy import factories
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


CLASSROOM = HourEntry.Source.CLASSROOM_SESSION
ONLINE = HourEntry.Source.ONLINE_LESSON
REGISTERED = date(2023, 3, 10)


def test_default_policies_come_from_the_migration():
    policies = {p.qualification_level: p for p in ContinuingEducationPolicy.objects.all()}
    assert policies["assistant"].hours_required == 72
    assert policies["intermediate"].hours_required == 90
    assert policies["senior"].hours_required == 90
    assert {p.cycle_years for p in policies.values()} == {3}
    assert all(p.online_hours_cap is None for p in policies.values())


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 9), (date(2023, 3, 10), date(2026, 3, 9))),
        (date(2026, 3, 10), (date(2026, 3, 10), date(2029, 3, 9))),
        (date(2026, 3, 11), (date(2026, 3, 10), date(2029, 3, 9))),
        (date(2023, 3, 10), (date(2023, 3, 10), date(2026, 3, 9))),
        (date(2023, 3, 9), None),
    ],
)
def test_cycle_boundaries_at_the_anniversary(today, expected):
    assert ce_cycle_for(registration_date=date(2023, 3, 10), cycle_years=3, today=today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 2, 27), (date(2024, 2, 29), date(2027, 2, 27))),
        (date(2027, 2, 28), (date(2027, 2, 28), date(2030, 2, 27))),
        (date(2027, 3, 1), (date(2027, 2, 28), date(2030, 2, 27))),
        (date(2030, 2, 28), (date(2030, 2, 28), date(2033, 2, 27))),
    ],
)
def test_cycle_from_29_february(today, expected):
    assert ce_cycle_for(registration_date=date(2024, 2, 29), cycle_years=3, today=today) == expected


def test_totals_are_sums_over_the_ledger_including_corrections(admin_user):
    trainee = factories.trainee(registration_date=REGISTERED)
    first = ef.hour_entry(user=trainee, hours="2.0", date=date(2026, 1, 5), source=CLASSROOM)
    ef.hour_entry(user=trainee, hours="1.5", date=date(2026, 2, 1), source=ONLINE)
    ef.hour_entry(user=trainee, hours="3.0", date=date(2025, 6, 1), source=CLASSROOM)
    # Before the cycle, and someone else's:
    ef.hour_entry(user=trainee, hours="4.0", date=date(2022, 6, 1), source=CLASSROOM)
    ef.hour_entry(user=factories.trainee(), hours="9.0", date=date(2026, 1, 5), source=CLASSROOM)
    hour_entry_correct(entry_id=first.pk, actor=admin_user, reason="重复录入")

    summary = hours_summary(user=trainee, today=date(2026, 3, 1))

    assert summary.total == Decimal("8.5")
    assert summary.this_year == Decimal("1.5")
    assert summary.cycle.start == date(2023, 3, 10)
    assert summary.cycle.earned == Decimal("4.5")
    assert summary.cycle.required == Decimal("72")
    assert summary.cycle.remaining == Decimal("67.5")


def test_online_hours_count_up_to_the_policy_cap():
    ContinuingEducationPolicy.objects.filter(qualification_level="intermediate").update(
        online_hours_cap=Decimal("30")
    )
    trainee = factories.trainee(
        qualification_level=QualificationLevel.INTERMEDIATE, registration_date=REGISTERED
    )
    for month in range(1, 5):
        ef.hour_entry(user=trainee, hours="10.0", date=date(2025, month, 1), source=ONLINE)
    ef.hour_entry(
        user=trainee, hours="5.0", date=date(2025, 6, 1), source=HourEntry.Source.EXTERNAL_TRAINING
    )

    cycle = hours_summary(user=trainee, today=date(2025, 12, 1)).cycle

    assert cycle.online == Decimal("40")
    assert cycle.online_counted == Decimal("30")
    assert cycle.earned == Decimal("35")
    assert cycle.required == Decimal("90")


def test_no_cycle_without_a_registration_date():
    trainee = factories.trainee()
    ef.hour_entry(user=trainee, hours="3.0", date=date(2026, 1, 5), source=CLASSROOM)
    summary = hours_summary(user=trainee, today=date(2026, 3, 1))
    assert summary.cycle is None
    assert summary.total == Decimal("3.0")


def test_a_correction_is_recorded_once(admin_user):
    trainee = factories.trainee()
    original = ef.hour_entry(user=trainee, hours="2.0", date=date(2026, 1, 5), source=CLASSROOM)
    correction = hour_entry_correct(entry_id=original.pk, actor=admin_user, reason="录入错误")
    assert correction.hours == Decimal("-2.0")
    assert correction.corrects == original
    with pytest.raises(RuleViolation) as again:
        hour_entry_correct(entry_id=original.pk, actor=admin_user, reason="again")
    assert again.value.code == "already_corrected"


def test_only_administrators_adjust_hours(admin_user, trainer_user):
    trainee = factories.trainee()
    with pytest.raises(PermissionDenied):
        hour_entry_adjust(
            user=trainee,
            hours=Decimal("1"),
            date=date(2026, 1, 1),
            description="x",
            actor=trainer_user,
        )
    adjustment = hour_entry_adjust(
        user=trainee,
        hours=Decimal("1.5"),
        date=date(2026, 1, 1),
        description="补录",
        actor=admin_user,
    )
    assert adjustment.source == HourEntry.Source.ADJUSTMENT
    assert adjustment.recorded_by == admin_user


def test_an_adjustment_needs_hours_and_a_reason(admin_user):
    trainee = factories.trainee()
    for hours, description, code in [("0", "补录", "zero_hours"), ("1", "  ", "reason_required")]:
        with pytest.raises(RuleViolation) as refused:
            hour_entry_adjust(
                user=trainee,
                hours=Decimal(hours),
                date=date(2026, 1, 1),
                description=description,
                actor=admin_user,
            )
        assert refused.value.code == code
    assert not HourEntry.objects.exists()


# External training


def submit(user, content=PDF, name="proof.pdf", hours="3.0"):
    return external_training_submit(
        user=user,
        title="社区培训",
        provider="市社工协会",
        date=date(2026, 1, 10),
        hours=Decimal(hours),
        proof=SimpleUploadedFile(name, content),
    )


def test_external_training_approval_credits_hours_once(admin_user):
    trainee = factories.trainee()
    training = submit(trainee)

    entry = external_training_approve(training_id=training.pk, actor=admin_user)

    assert entry.source == HourEntry.Source.EXTERNAL_TRAINING
    assert entry.hours == Decimal("3.0")
    assert entry.date == date(2026, 1, 10)
    with pytest.raises(RuleViolation) as again:
        external_training_approve(training_id=training.pk, actor=admin_user)
    assert again.value.code == "already_decided"
    assert HourEntry.objects.filter(user=trainee).count() == 1


def test_external_training_rejection_needs_a_reason_and_credits_nothing(admin_user):
    training = submit(factories.trainee())
    with pytest.raises(RuleViolation) as no_reason:
        external_training_reject(training_id=training.pk, actor=admin_user, reason="")
    assert no_reason.value.code == "reason_required"
    rejected = external_training_reject(
        training_id=training.pk, actor=admin_user, reason="证明不清晰"
    )
    assert rejected.status == ExternalTraining.Status.REJECTED
    assert rejected.rejection_reason == "证明不清晰"
    assert not HourEntry.objects.exists()


def test_only_administrators_decide_external_training(trainer_user):
    training = submit(factories.trainee())
    with pytest.raises(PermissionDenied):
        external_training_approve(training_id=training.pk, actor=trainer_user)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00 not a pdf", "proof.pdf", "bad_type"),  # wrong content, right name
        (PDF, "proof.exe", "bad_type"),  # right content, wrong name
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf", "too_large"),
    ],
)
def test_proof_files_are_checked_by_content_and_size(content, name, code):
    with pytest.raises(RuleViolation) as refused:
        submit(factories.trainee(), content=content, name=name)
    assert [error.code for error in refused.value.error_dict["proof"]] == [code]
    assert not ExternalTraining.objects.exists()


def test_png_proof_is_accepted():
    training = submit(factories.trainee(), content=PNG, name="photo.PNG")

    assert ExternalTraining.objects.get() == training
    assert training.status == ExternalTraining.Status.SUBMITTED
    with training.proof.open("rb") as proof:
        assert proof.read() == PNG


def test_submission_form_view(client):
    trainee = factories.trainee()
    client.force_login(trainee)
    response = client.post(
        reverse("enrollments:external_training_new"),
        {
            "title": "督导培训",
            "provider": "区社工协会",
            "date": "2026-01-10",
            "hours": "2.5",
            "proof": SimpleUploadedFile("proof.pdf", PDF),
        },
    )
    assert response.status_code == 302
    training = ExternalTraining.objects.get()
    assert training.user == trainee
    assert training.status == ExternalTraining.Status.SUBMITTED


def test_submission_form_shows_the_services_proof_check_under_the_proof(client):
    client.force_login(factories.trainee())
    client.cookies["academy_language"] = "en"

    response = client.post(
        reverse("enrollments:external_training_new"),
        {
            "title": "督导培训",
            "provider": "区社工协会",
            "date": "2026-01-10",
            "hours": "2.5",
            "proof": SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["proof"] == [
        "Upload the proof as a PDF, JPEG or PNG file."
    ]
    assert not ExternalTraining.objects.exists()


def test_proof_is_served_only_to_its_owner_and_administrators(client, admin_user):
    owner = factories.trainee()
    training = submit(owner)
    url = reverse("enrollments:external_training_proof", args=[training.pk])

    client.force_login(factories.trainee())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_ledger_page_lists_only_the_visitors_entries(client):
    owner, other = factories.trainee(), factories.trainee()
    adjustment = HourEntry.Source.ADJUSTMENT
    ef.hour_entry(user=owner, source=adjustment, hours=Decimal("1.5"), description="本人学时")
    ef.hour_entry(user=other, source=adjustment, hours=Decimal("7.0"), description="他人学时")
    client.force_login(owner)

    page = client.get(reverse("enrollments:ledger")).content.decode()

    assert "本人学时" in page
    assert "他人学时" not in page
