"""Writes to the hours ledger that are not a side effect of learning or attendance."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from academy.roles import is_administrator
from enrollments.models import Enrollment, HourEntry
from enrollments.services.completion import enrollment_completion_evaluate
from enrollments.services.history import change_history_note


def hour_entry_adjust(
    *,
    user: User,
    hours: Decimal,
    date: date,
    description: str,
    actor: User,
    enrollment: Enrollment | None = None,
) -> HourEntry:
    """An administrator adds (or, with negative hours, removes) hours with a reason."""
    if not is_administrator(actor):
        raise PermissionDenied
    if not hours:
        raise RuleViolation(
            _("An adjustment needs a number of hours other than zero."), code="zero_hours"
        )
    if not description.strip():
        raise RuleViolation(_("Say why the hours are adjusted."), code="reason_required")
    if enrollment is not None and enrollment.user_id != user.pk:
        raise RuleViolation(_("That enrolment belongs to someone else."), code="other_trainee")
    entry = HourEntry(
        user=user,
        source=HourEntry.Source.ADJUSTMENT,
        hours=hours,
        date=date,
        enrollment=enrollment,
        course_id=enrollment.course_id if enrollment else None,
        description=description.strip()[:300],
        recorded_by=actor,
    )
    change_history_note(record=entry, actor=actor, reason=description.strip()).save()
    if enrollment is not None:
        enrollment_completion_evaluate(enrollment_id=enrollment.pk)
    return entry


def hour_entry_correct(*, entry_id: int, actor: User, reason: str) -> HourEntry:
    """Cancel an entry with a new, opposite entry pointing at it; an entry is corrected once."""
    if not is_administrator(actor):
        raise PermissionDenied
    if not reason.strip():
        raise RuleViolation(_("Say why the entry is corrected."), code="reason_required")
    original = HourEntry.objects.get(pk=entry_id)
    if original.corrects_id is not None:
        raise RuleViolation(
            _("A correction cannot itself be corrected; add an adjustment."),
            code="correction_of_correction",
        )
    try:
        with transaction.atomic():
            correction = HourEntry(
                user_id=original.user_id,
                source=original.source,
                hours=-original.hours,
                date=original.date,
                course_id=original.course_id,
                enrollment_id=original.enrollment_id,
                lesson_id=original.lesson_id,
                session_id=original.session_id,
                external_training_id=original.external_training_id,
                corrects=original,
                description=reason.strip()[:300],
                recorded_by=actor,
            )
            change_history_note(record=correction, actor=actor, reason=reason.strip()).save()
            return correction
    except IntegrityError as error:
        raise RuleViolation(
            _("This entry has already been corrected."), code="already_corrected"
        ) from error
