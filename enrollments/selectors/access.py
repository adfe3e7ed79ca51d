"""Who may manage which enrolments."""

from django.db.models import QuerySet

from academy.models import User
from academy.roles import is_administrator, is_trainer
from courses.models import CoursePage
from enrollments.models import Enrollment


def course_is_managed_by(*, course: CoursePage, user: User) -> bool:
    """Administrators manage every course; a trainer manages the courses they teach."""
    if is_administrator(user):
        return True
    return is_trainer(user) and course.trainers.filter(pk=user.pk).exists()


def enrollment_managed_queryset(*, user: User) -> QuerySet[Enrollment]:
    """The enrolments a staff user may see in the admin: all, or their courses' ones."""
    queryset = Enrollment.objects.select_related(
        "user", "course", "user__trainee_profile__organization"
    )
    if is_administrator(user):
        return queryset
    if is_trainer(user):
        return queryset.filter(course__trainers=user)
    return queryset.none()
