"""The completion rule: when an enrolment is met, complete it exactly once and ask for its
certificate."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import ClassSession, Exam, LessonPage
from enrollments.models import Attendance, Enrollment, ExamAttempt, HourEntry, LessonProgress
from enrollments.services.certificates.issuing import certificate_request
from enrollments.services.history import change_history_note


def enrollment_completion_rule_met(*, enrollment: Enrollment) -> bool:
    """Required lessons done, attendance share reached, enough class-hours earned, and a
    marked, passed attempt at each published exam the course requires."""
    course = enrollment.course
    required_lessons = LessonPage.objects.live().child_of(course).filter(is_required=True)
    done_required = LessonProgress.objects.filter(
        enrollment=enrollment, lesson__in=required_lessons, completed_at__isnull=False
    ).count()
    if done_required < required_lessons.count():
        return False

    if course.min_attendance_percent:
        total_sessions = ClassSession.objects.filter(course=course).count()
        attended = Attendance.objects.filter(
            enrollment=enrollment, status__in=Attendance.ATTENDED_STATUSES
        ).count()
        if total_sessions and attended * 100 < course.min_attendance_percent * total_sessions:
            return False

    if course.min_hours:
        earned = (
            HourEntry.objects.filter(enrollment=enrollment).aggregate(total=Sum("hours"))["total"]
            or 0
        )
        if earned < course.min_hours:
            return False

    passed = ExamAttempt.objects.filter(
        user_id=enrollment.user_id, status=ExamAttempt.Status.MARKED, passed=True
    ).values("exam_id")
    unpassed = Exam.objects.filter(
        course=course, required_for_completion=True, is_published=True
    ).exclude(pk__in=passed)
    return not unpassed.exists()


def enrollment_completion_evaluate(*, enrollment_id: int) -> bool:
    """Complete the enrolment if its course's rule is met; True only for the call that did.

    Call it whenever progress, attendance or hours change. The row lock makes
    two racing calls complete the enrolment once. The certificate's row is created
    in the same transaction, and its job is queued once that transaction commits.
    """
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment_id)
        )
        if enrollment.status != Enrollment.Status.ACTIVE:
            return False
        if not enrollment_completion_rule_met(enrollment=enrollment):
            return False
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = timezone.now()
        change_history_note(
            record=enrollment, actor=None, reason=_("The course's completion rule is met.")
        ).save(update_fields=["status", "completed_at", "updated_at"])
        certificate_request(enrollment_id=enrollment_id)
    return True
