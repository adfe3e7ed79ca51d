"""External training: trainees submit it with proof, administrators approve or reject it."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from academy.roles import is_administrator
from enrollments.models import ExternalTraining, HourEntry
from enrollments.services.history import change_history_note
from enrollments.services.notifications.events import external_training_reviewed_notify

PROOF_MAX_BYTES = 5 * 1024 * 1024
# Leading bytes of the accepted proof formats, and the extension each must carry.
PROOF_SIGNATURES = {
    b"%PDF-": (".pdf",),
    b"\xff\xd8\xff": (".jpg", ".jpeg"),
    b"\x89PNG\r\n\x1a\n": (".png",),
}


def proof_file_validate(*, proof: File) -> None:
    """A PDF, JPEG or PNG of at most 5 MB, judged by its content as well as its name."""
    if proof.size > PROOF_MAX_BYTES:
        raise RuleViolation(_("The proof file must be 5 MB or smaller."), code="too_large")
    proof.seek(0)
    head = proof.read(16)
    proof.seek(0)
    name = (proof.name or "").lower()
    for signature, extensions in PROOF_SIGNATURES.items():
        if head.startswith(signature) and name.endswith(extensions):
            return
    raise RuleViolation(_("Upload the proof as a PDF, JPEG or PNG file."), code="bad_type")


def external_training_submit(
    *, user: User, title: str, provider: str, date: date, hours: Decimal, proof: File
) -> ExternalTraining:
    """Record a trainee's external training for review; problems are keyed by the argument
    at fault (``proof``, ``date``, ...)."""
    try:
        proof_file_validate(proof=proof)
    except RuleViolation as error:
        raise RuleViolation({"proof": error.error_list}) from error
    if date > timezone.localdate():
        raise RuleViolation(
            {
                "date": RuleViolation(
                    _("The training date cannot be in the future."), code="future_date"
                )
            }
        )
    training = ExternalTraining(
        user=user,
        title=title.strip(),
        provider=provider.strip(),
        date=date,
        hours=hours,
        proof=proof,
    )
    try:
        training.full_clean()
    except ValidationError as error:
        raise RuleViolation(error.error_dict) from error
    training.save()
    return training


def _locked_submission(*, training_id: int, actor: User) -> ExternalTraining:
    if not is_administrator(actor):
        raise PermissionDenied
    training = ExternalTraining.objects.select_for_update().get(pk=training_id)
    if training.status != ExternalTraining.Status.SUBMITTED:
        raise RuleViolation(_("This submission has already been decided."), code="already_decided")
    return training


def external_training_approve(
    *, training_id: int, actor: User, now: datetime | None = None
) -> HourEntry:
    """Approve a submission: its hours enter the ledger once."""
    now = now or timezone.now()
    with transaction.atomic():
        training = _locked_submission(training_id=training_id, actor=actor)
        training.status = ExternalTraining.Status.APPROVED
        training.decided_at = now
        training.decided_by = actor
        training.save(update_fields=["status", "decided_at", "decided_by"])
        external_training_reviewed_notify(training=training)
        entry = HourEntry(
            user_id=training.user_id,
            source=HourEntry.Source.EXTERNAL_TRAINING,
            hours=training.hours,
            date=training.date,
            external_training=training,
            description=f"{training.title} · {training.provider}"[:300],
            recorded_by=actor,
        )
        change_history_note(record=entry, actor=actor).save()
        return entry


def external_training_reject(
    *, training_id: int, actor: User, reason: str, now: datetime | None = None
) -> ExternalTraining:
    now = now or timezone.now()
    if not reason.strip():
        raise RuleViolation(_("Give a reason for the rejection."), code="reason_required")
    with transaction.atomic():
        training = _locked_submission(training_id=training_id, actor=actor)
        training.status = ExternalTraining.Status.REJECTED
        training.decided_at = now
        training.decided_by = actor
        training.rejection_reason = reason.strip()[:300]
        training.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        external_training_reviewed_notify(training=training)
    return training
