"""Enrolling, withdrawing, approving and moving up the waiting list.

Capacity counts the statuses in ``Enrollment.SEAT_STATUSES``: an application
awaiting approval keeps its place until it is decided. Every change that takes
or frees a place locks the course row first, so two requests for the last
place cannot both get it. When a place frees, the earliest trainee on the
waiting list moves up: to "enrolled", or to "awaiting approval" when the course
needs approval (the place is then held for them until an administrator
decides).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.errors import RuleViolation
from academy.models import User
from courses.models import CoursePage
from enrollments.models import Enrollment, NotificationKind
from enrollments.selectors.access import course_is_managed_by
from enrollments.selectors.enrollment import course_has_free_seat
from enrollments.services.history import change_history_note
from enrollments.services.notifications.events import enrollment_decision_notify

Status = Enrollment.Status
# Applications still waiting for a decision; admitting one keeps how it came in.
OPEN_APPLICATIONS = (Status.PENDING, Status.WAITLISTED)


def _lock_course(*, course_id: int) -> CoursePage:
    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course_id)


def _admitted_status(*, course: CoursePage, approved: bool) -> str:
    return Status.PENDING if course.requires_approval and not approved else Status.ACTIVE


def _place(
    enrollment: Enrollment,
    *,
    status: str,
    now: datetime,
    decided_at: datetime | None,
    decided_by: User | None,
) -> None:
    """Give an enrolment a place (or a place on the waiting list) with the stamps that go
    with it; the stamps of an earlier withdrawal, wait or decision are cleared."""
    enrollment.status = status
    enrollment.waitlisted_at = now if status == Status.WAITLISTED else None
    enrollment.withdrawn_at = None
    enrollment.decision_reason = ""
    enrollment.decided_at = decided_at
    enrollment.decided_by = decided_by


def _duplicate() -> RuleViolation:
    return RuleViolation(_("You already have an enrolment in this course."), code="duplicate")


def enrollment_enrol(
    *,
    user: User,
    course: CoursePage,
    source: str = Enrollment.Source.SELF,
    actor: User | None = None,
    now: datetime | None = None,
) -> Enrollment:
    """Enrol a trainee, put them on the waiting list, or refuse with a clear message.

    Self-enrolment must fall within the course's enrolment window and waits for
    approval where the course asks for it. Enrolments made by an administrator
    (roster import, admin) skip the window and the approval; capacity holds for
    everyone.
    """
    now = now or timezone.now()
    by_staff = source != Enrollment.Source.SELF
    if not by_staff and not course.enrollment_window_open(now):
        raise RuleViolation(_("Enrolment for this course is not open."), code="window_closed")
    try:
        with transaction.atomic():
            course = _lock_course(course_id=course.pk)
            enrollment = Enrollment.objects.filter(user=user, course=course).first()
            if enrollment is not None:
                if enrollment.status == Status.REJECTED and not by_staff:
                    raise RuleViolation(
                        _("Your application for this course was not accepted."),
                        code="rejected",
                    )
                if enrollment.status not in (Status.WITHDRAWN, Status.REJECTED):
                    raise _duplicate()
            else:
                enrollment = Enrollment(user=user, course=course)
            enrollment.source = source
            if course_has_free_seat(course=course):
                status = _admitted_status(course=course, approved=by_staff)
            else:
                status = Status.WAITLISTED
            _place(
                enrollment,
                status=status,
                now=now,
                decided_at=now if by_staff else None,
                decided_by=actor if by_staff else None,
            )
            change_history_note(record=enrollment, actor=actor if by_staff else user).save()
    except IntegrityError as error:
        # A concurrent request created the row between our read and our write.
        raise _duplicate() from error
    return enrollment


def enrollment_admit(
    *,
    user: User,
    course: CoursePage,
    source: str,
    actor: User | None,
    ignore_capacity: bool = True,
    now: datetime | None = None,
) -> Enrollment:
    """Give a trainee a place in the course now, by a decision of ``actor``.

    A new enrolment is made, and a withdrawn or rejected one reopened, with ``source``;
    an application awaiting approval or on the waiting list is accepted as it came in.
    Either way no stamp of an earlier withdrawal, wait or decision stays. An enrolment
    that is enrolled or completed is returned unchanged. Capacity holds unless
    ``ignore_capacity`` (a walk-in is in the room already). No permission check here:
    callers check who may admit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        course = _lock_course(course_id=course.pk)
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if enrollment is not None and enrollment.status in Enrollment.LEARNING_STATUSES:
            return enrollment
        holds_seat = enrollment is not None and enrollment.status in Enrollment.SEAT_STATUSES
        if not (ignore_capacity or holds_seat or course_has_free_seat(course=course)):
            raise RuleViolation(
                _("The course is full; raise its capacity first."), code="course_full"
            )
        if enrollment is None:
            enrollment = Enrollment(user=user, course=course)
        if enrollment.status not in OPEN_APPLICATIONS:
            enrollment.source = source
        _place(enrollment, status=Status.ACTIVE, now=now, decided_at=now, decided_by=actor)
        change_history_note(record=enrollment, actor=actor).save()
    return enrollment


def _fill_free_seats(*, course: CoursePage, actor: User | None) -> list[Enrollment]:
    """Move the waiting list up while there are free places, telling each trainee who moved
    up; the course row is locked.

    ``actor`` freed the place; the history says so, with the reason.
    """
    promoted = []
    while course_has_free_seat(course=course):
        nxt = (
            Enrollment.objects.select_for_update()
            .filter(course=course, status=Status.WAITLISTED)
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if nxt is None:
            break
        nxt.status = _admitted_status(course=course, approved=False)
        nxt.waitlisted_at = None
        change_history_note(
            record=nxt, actor=actor, reason=_("Moved up from the waiting list: a place came free.")
        ).save(update_fields=["status", "waitlisted_at", "updated_at"])
        enrollment_decision_notify(enrollment=nxt, kind=NotificationKind.WAITLIST_PROMOTED)
        promoted.append(nxt)
    return promoted


def enrollment_withdraw(
    *, enrollment: Enrollment, user: User, now: datetime | None = None
) -> Enrollment:
    """The trainee leaves the course (or the waiting list); a freed place moves the list up."""
    now = now or timezone.now()
    if enrollment.user_id != user.pk and not course_is_managed_by(
        course=enrollment.course, user=user
    ):
        raise PermissionDenied
    with transaction.atomic():
        course = _lock_course(course_id=enrollment.course_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status not in (Status.PENDING, Status.WAITLISTED, Status.ACTIVE):
            raise RuleViolation(_("This enrolment cannot be withdrawn."), code="not_withdrawable")
        enrollment.status = Status.WITHDRAWN
        enrollment.withdrawn_at = now
        enrollment.waitlisted_at = None
        change_history_note(record=enrollment, actor=user).save(
            update_fields=["status", "withdrawn_at", "waitlisted_at", "updated_at"]
        )
        _fill_free_seats(course=course, actor=user)
    return enrollment


def _decide(
    *, enrollment_id: int, actor: User, allowed_from: tuple[str, ...]
) -> tuple[CoursePage, Enrollment]:
    """Check that ``actor`` manages the enrolment's course and that its status allows the
    decision; the course and the enrolment are locked."""
    enrollment = Enrollment.objects.select_related("course").get(pk=enrollment_id)
    if not course_is_managed_by(course=enrollment.course, user=actor):
        raise PermissionDenied
    course = _lock_course(course_id=enrollment.course_id)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment_id)
    if enrollment.status not in allowed_from:
        raise RuleViolation(
            _("This enrolment is %(status)s; nothing was changed.")
            % {"status": enrollment.get_status_display()},
            code="wrong_status",
        )
    return course, enrollment


def enrollment_approve(
    *, enrollment_id: int, actor: User, now: datetime | None = None
) -> Enrollment:
    """An administrator or the course's trainer accepts an application."""
    with transaction.atomic():
        course, enrollment = _decide(
            enrollment_id=enrollment_id, actor=actor, allowed_from=(Status.PENDING,)
        )
        enrollment = enrollment_admit(
            user=enrollment.user, course=course, source=enrollment.source, actor=actor, now=now
        )
        enrollment_decision_notify(enrollment=enrollment, kind=NotificationKind.ENROLLMENT_APPROVED)
    return enrollment


def enrollment_reject(
    *, enrollment_id: int, actor: User, reason: str, now: datetime | None = None
) -> Enrollment:
    """Refuse an application (or a place on the waiting list) with a reason; a freed place
    moves the list up."""
    now = now or timezone.now()
    if not reason.strip():
        raise RuleViolation(_("Give a reason for the rejection."), code="reason_required")
    with transaction.atomic():
        course, enrollment = _decide(
            enrollment_id=enrollment_id,
            actor=actor,
            allowed_from=(Status.PENDING, Status.WAITLISTED),
        )
        enrollment.status = Status.REJECTED
        enrollment.decided_at = now
        enrollment.decided_by = actor
        enrollment.decision_reason = reason.strip()
        enrollment.waitlisted_at = None
        change_history_note(record=enrollment, actor=actor, reason=reason.strip()).save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "decision_reason",
                "waitlisted_at",
                "updated_at",
            ]
        )
        enrollment_decision_notify(enrollment=enrollment, kind=NotificationKind.ENROLLMENT_REJECTED)
        _fill_free_seats(course=course, actor=actor)
    return enrollment


def enrollment_admit_from_waitlist(
    *, enrollment_id: int, actor: User, now: datetime | None = None
) -> Enrollment:
    """Move one trainee off the waiting list now, for example after the capacity was raised.

    The place must be free: capacity holds for administrators too. The move is
    the administrator's decision, so the trainee is enrolled directly.
    """
    with transaction.atomic():
        course, enrollment = _decide(
            enrollment_id=enrollment_id, actor=actor, allowed_from=(Status.WAITLISTED,)
        )
        enrollment = enrollment_admit(
            user=enrollment.user,
            course=course,
            source=enrollment.source,
            actor=actor,
            ignore_capacity=False,
            now=now,
        )
        enrollment_decision_notify(enrollment=enrollment, kind=NotificationKind.WAITLIST_PROMOTED)
    return enrollment
