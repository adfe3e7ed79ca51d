"""The change history of a class session or a trainee, read from django-simple-history.

Each tracked model keeps every version of a row. A change is one version compared with
the one before it: who made it (``history_user``), when (``history_date``), the fields
that differ, and the reason given (``history_change_reason``). A version that changes
none of the fields shown and gives no reason (a lock row made empty before it is
locked, a queue stamp) is left out.

Each function reads a fixed number of queries whatever the number of changes.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from academy.models import User
from courses.models import ClassSession
from enrollments.models import (
    Attendance,
    Certificate,
    Enrollment,
    HourEntry,
    SessionAttendanceState,
)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeRecord:
    """One change as the history page and its export show it."""

    at: datetime
    actor: str
    trainee: str
    record: str
    subject: str
    changes: tuple[FieldChange, ...]
    reason: str

    @property
    def before(self) -> str:
        return "; ".join(f"{change.label}: {change.before}" for change in self.changes)

    @property
    def after(self) -> str:
        return "; ".join(f"{change.label}: {change.after}" for change in self.changes)


# A shown field: its label, and how to read its value from a version of the row.
Shown = tuple[Callable[[], str], Callable[[Any], str]]


def _choice(model: type[Model], field: str) -> Callable[[Any], str]:
    labels = dict(model._meta.get_field(field).choices or ())  # type: ignore[union-attr]

    def read(version) -> str:
        value = getattr(version, field)
        return str(labels.get(value, value or "—"))

    return read


def _hours(field: str) -> Callable[[Any], str]:
    def read(version) -> str:
        value = getattr(version, field)
        return "—" if value is None else str(Decimal(value).quantize(Decimal("0.1")))

    return read


def _locked(version) -> str:
    return _("Locked") if version.locked_at else _("Unlocked")


def _text(field: str) -> Callable[[Any], str]:
    def read(version) -> str:
        return str(getattr(version, field) or "—")

    return read


ATTENDANCE_FIELDS: list[Shown] = [
    (lambda: _("Status"), _choice(Attendance, "status")),
    (lambda: _("Method"), _choice(Attendance, "method")),
    (lambda: _("Class-hours credited"), _hours("hours_credited")),
]
LOCK_FIELDS: list[Shown] = [(lambda: _("Attendance lock"), _locked)]
ENROLLMENT_FIELDS: list[Shown] = [(lambda: _("Status"), _choice(Enrollment, "status"))]
CERTIFICATE_FIELDS: list[Shown] = [
    (lambda: _("Status"), _choice(Certificate, "status")),
    (lambda: _("Serial number"), _text("serial_number")),
    (lambda: _("Version"), _text("version")),
    (lambda: _("PDF job"), _choice(Certificate, "job_status")),
]
HOUR_ENTRY_FIELDS: list[Shown] = [
    (lambda: _("Source"), _choice(HourEntry, "source")),
    (lambda: _("Class-hours"), _hours("hours")),
]


def _person(user: User | None) -> str:
    if user is None:
        return _("System")
    return user.full_name or user.get_username()


def _changes(version, previous, fields: list[Shown]) -> tuple[FieldChange, ...]:
    changes = []
    for label, read in fields:
        after = read(version)
        before = read(previous) if previous is not None else "—"
        if previous is None or before != after:
            changes.append(FieldChange(label=label(), before=before, after=after))
    if version.history_type == "-":
        return tuple(
            FieldChange(label=change.label, before=change.after, after="—") for change in changes
        )
    return tuple(changes)


def _records(
    versions: QuerySet,
    *,
    key: str,
    fields: list[Shown],
    record: str,
    trainee: Callable[[Any], str],
    subject: Callable[[Any], str],
    reason: Callable[[Any], str] = lambda version: version.history_change_reason or "",
) -> Iterator[ChangeRecord]:
    """The versions, oldest first within each row, turned into changes."""
    previous: dict[Any, Any] = {}
    for version in versions.order_by(key, "history_date", "history_id"):
        before = previous.get(getattr(version, key))
        previous[getattr(version, key)] = version
        changes = _changes(version, before, fields)
        why = reason(version)
        if before is not None and not changes and not why:
            continue
        yield ChangeRecord(
            at=version.history_date,
            actor=_person(version.history_user),
            trainee=trainee(version),
            record=record,
            subject=subject(version),
            changes=changes,
            reason=why,
        )


def _newest_first(records: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    return sorted(records, key=lambda change: change.at, reverse=True)


def session_change_history(*, session: ClassSession) -> list[ChangeRecord]:
    """Every change to the session's attendance marks and to its lock, newest first.

    Two queries. No permission check: callers check who may see the session
    (``session_can_take_roll``)."""
    marks = _records(
        Attendance.history.filter(session_id=session.pk).select_related(
            "history_user", "enrollment__user"
        ),
        key="id",
        fields=ATTENDANCE_FIELDS,
        record=_("Attendance"),
        trainee=lambda version: _person(version.enrollment.user),
        subject=lambda version: session.title,
    )
    locks = _records(
        SessionAttendanceState.history.filter(session_id=session.pk).select_related("history_user"),
        key="session_id",
        fields=LOCK_FIELDS,
        record=_("Attendance lock"),
        trainee=lambda version: "",
        subject=lambda version: session.title,
    )
    return _newest_first([*marks, *locks])


def trainee_change_history(*, user: User) -> list[ChangeRecord]:
    """Every change to the trainee's enrolments, attendance marks, class-hours entries and
    certificates, newest first. Four queries; administrators only (callers check)."""
    trainee = _person(user)
    enrollment_ids = Enrollment.objects.filter(user=user).values("pk")
    enrollments = _records(
        Enrollment.history.filter(user_id=user.pk).select_related("history_user", "course"),
        key="id",
        fields=ENROLLMENT_FIELDS,
        record=_("Enrolment"),
        trainee=lambda version: trainee,
        subject=lambda version: version.course.title,
    )
    marks = _records(
        Attendance.history.filter(enrollment_id__in=enrollment_ids).select_related(
            "history_user", "session__course"
        ),
        key="id",
        fields=ATTENDANCE_FIELDS,
        record=_("Attendance"),
        trainee=lambda version: trainee,
        subject=lambda version: str(version.session),
    )
    entries = _records(
        HourEntry.history.filter(user_id=user.pk).select_related("history_user"),
        key="id",
        fields=HOUR_ENTRY_FIELDS,
        record=_("Class-hours"),
        trainee=lambda version: trainee,
        subject=lambda version: version.date.isoformat(),
        reason=lambda version: version.history_change_reason or version.description,
    )
    certificates = _records(
        Certificate.history.filter(enrollment_id__in=enrollment_ids).select_related(
            "history_user", "enrollment__course"
        ),
        key="id",
        fields=CERTIFICATE_FIELDS,
        record=_("Certificate"),
        trainee=lambda version: trainee,
        subject=lambda version: version.enrollment.course.title,
    )
    return _newest_first([*enrollments, *marks, *entries, *certificates])
