"""Enrolling, withdrawing, approving and moving up the waiting list.

Capacity counts the statuses in ``Enrollment.SEAT_STATUSES``: an application
awaiting approval keeps its place until it is decided. Every change that takes
or frees a place locks the course row first, so two requests for the last
place cannot both get it. When a place frees, the earliest trainee on the
waiting list moves up: to "enrolled", or to "awaiting approval" when the course
needs approval (the place is then held for them until an administrator
decides).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.models import Enrollment
from enrollments.selectors.access import course_is_managed_by

Status = Enrollment.Status


def _lock_course(*, course_id: int):
    from courses.models import CoursePage

    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course_id)


def course_seats_taken(*, course) -> int:
    return Enrollment.objects.filter(course=course, status__in=Enrollment.SEAT_STATUSES).count()


def _has_free_seat(*, course) -> bool:
    return course.capacity is None or course_seats_taken(course=course) < course.capacity


def _admitted_status(*, course, approved: bool) -> str:
    return Status.PENDING if course.requires_approval and not approved else Status.ACTIVE


def enrollment_enrol(
    *,
    user,
    course,
    source: str = Enrollment.Source.SELF,
    actor=None,
    now=None,
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
        raise ValidationError(_("Enrolment for this course is not open."), code="window_closed")
    try:
        with transaction.atomic():
            course = _lock_course(course_id=course.pk)
            enrollment = Enrollment.objects.filter(user=user, course=course).first()
            if enrollment is not None:
                if enrollment.status == Status.REJECTED and not by_staff:
                    raise ValidationError(
                        _("Your application for this course was not accepted."),
                        code="rejected",
                    )
                if enrollment.status not in (Status.WITHDRAWN, Status.REJECTED):
                    raise ValidationError(
                        _("You already have an enrolment in this course."), code="duplicate"
                    )
            else:
                enrollment = Enrollment(user=user, course=course)
            enrollment.source = source
            enrollment.withdrawn_at = None
            enrollment.decision_reason = ""
            if _has_free_seat(course=course):
                enrollment.status = _admitted_status(course=course, approved=by_staff)
                enrollment.waitlisted_at = None
            else:
                enrollment.status = Status.WAITLISTED
                enrollment.waitlisted_at = now
            if by_staff:
                enrollment.decided_at = now
                enrollment.decided_by = actor
            else:
                enrollment.decided_at = None
                enrollment.decided_by = None
            enrollment.save()
    except IntegrityError as error:
        # A concurrent request created the row between our read and our write.
        raise ValidationError(
            _("You already have an enrolment in this course."), code="duplicate"
        ) from error
    return enrollment


def _fill_free_seats(*, course, now) -> list[Enrollment]:
    """Move the waiting list up while there are free places; the course row is locked."""
    promoted = []
    while _has_free_seat(course=course):
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
        nxt.save(update_fields=["status", "waitlisted_at", "updated_at"])
        promoted.append(nxt)
    return promoted


def enrollment_withdraw(*, enrollment: Enrollment, user, now=None) -> Enrollment:
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
            raise ValidationError(_("This enrolment cannot be withdrawn."), code="not_withdrawable")
        enrollment.status = Status.WITHDRAWN
        enrollment.withdrawn_at = now
        enrollment.waitlisted_at = None
        enrollment.save(update_fields=["status", "withdrawn_at", "waitlisted_at", "updated_at"])
        _fill_free_seats(course=course, now=now)
    return enrollment


def _decide(*, enrollment_id: int, actor, allowed_from: tuple, now):
    enrollment = Enrollment.objects.select_related("course").get(pk=enrollment_id)
    if not course_is_managed_by(course=enrollment.course, user=actor):
        raise PermissionDenied
    course = _lock_course(course_id=enrollment.course_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
    if enrollment.status not in allowed_from:
        raise ValidationError(
            _("This enrolment is %(status)s; nothing was changed.")
            % {"status": enrollment.get_status_display()},
            code="wrong_status",
        )
    return course, enrollment


def enrollment_approve(*, enrollment_id: int, actor, now=None) -> Enrollment:
    """An administrator or the course's trainer accepts an application."""
    now = now or timezone.now()
    with transaction.atomic():
        _course, enrollment = _decide(
            enrollment_id=enrollment_id, actor=actor, allowed_from=(Status.PENDING,), now=now
        )
        enrollment.status = Status.ACTIVE
        enrollment.decided_at = now
        enrollment.decided_by = actor
        enrollment.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return enrollment


def enrollment_reject(*, enrollment_id: int, actor, reason: str, now=None) -> Enrollment:
    """Refuse an application (or a place on the waiting list); a freed place moves the list up."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Give a reason for the rejection."), code="reason_required")
    with transaction.atomic():
        course, enrollment = _decide(
            enrollment_id=enrollment_id,
            actor=actor,
            allowed_from=(Status.PENDING, Status.WAITLISTED),
            now=now,
        )
        enrollment.status = Status.REJECTED
        enrollment.decided_at = now
        enrollment.decided_by = actor
        enrollment.decision_reason = reason.strip()
        enrollment.waitlisted_at = None
        enrollment.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "decision_reason",
                "waitlisted_at",
                "updated_at",
            ]
        )
        _fill_free_seats(course=course, now=now)
    return enrollment


def enrollment_admit_from_waitlist(*, enrollment_id: int, actor, now=None) -> Enrollment:
    """Move one trainee off the waiting list now, for example after the capacity was raised.

    The place must be free: capacity holds for administrators too. The move is
    the administrator's decision, so the trainee is enrolled directly.
    """
    now = now or timezone.now()
    with transaction.atomic():
        course, enrollment = _decide(
            enrollment_id=enrollment_id, actor=actor, allowed_from=(Status.WAITLISTED,), now=now
        )
        if not _has_free_seat(course=course):
            raise ValidationError(
                _("The course is full; raise its capacity first."), code="course_full"
            )
        enrollment.status = Status.ACTIVE
        enrollment.waitlisted_at = None
        enrollment.decided_at = now
        enrollment.decided_by = actor
        enrollment.save(
            update_fields=["status", "waitlisted_at", "decided_at", "decided_by", "updated_at"]
        )
    return enrollment


def course_waitlist_fill(*, course, now=None) -> list[Enrollment]:
    """Move the waiting list up into any free places (after a capacity change)."""
    now = now or timezone.now()
    with transaction.atomic():
        course = _lock_course(course_id=course.pk)
        return _fill_free_seats(course=course, now=now)
