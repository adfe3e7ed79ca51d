"""Reads about enrolments: places taken, who holds a place, a trainee's enrolments."""

from django.db.models import QuerySet

from academy.models import User
from courses.models import CoursePage
from enrollments.models import Enrollment


def course_seats_taken(*, course: CoursePage) -> int:
    """Places taken in the course: enrolments whose status is in ``SEAT_STATUSES``."""
    return Enrollment.objects.filter(course=course, status__in=Enrollment.SEAT_STATUSES).count()


def course_has_free_seat(*, course: CoursePage) -> bool:
    return course.capacity is None or course_seats_taken(course=course) < course.capacity


def enrollment_seat_holders(*, course_id: int) -> QuerySet[Enrollment]:
    """The enrolments holding a place in a course, with each trainee and organisation, by name."""
    return (
        Enrollment.objects.filter(course_id=course_id, status__in=Enrollment.SEAT_STATUSES)
        .select_related("user", "user__trainee_profile__organization")
        .order_by("user__full_name", "pk")
    )


def enrollment_list_for_user(*, user: User) -> QuerySet[Enrollment]:
    """A trainee's enrolments in every status, newest first, with their courses."""
    return (
        Enrollment.objects.filter(user=user)
        .select_related("course", "user")
        .order_by("-created_at", "-pk")
    )
