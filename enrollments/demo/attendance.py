"""Demo attendance: marks for the enrolled trainees of the sessions that have started."""

from django.db import transaction
from django.utils import timezone

from courses.models import ClassSession
from enrollments.models import Attendance, Enrollment
from enrollments.services.attendance import attendance_set

DEMO_STATUSES = [
    Attendance.Status.PRESENT,
    Attendance.Status.PRESENT,
    Attendance.Status.LATE,
    Attendance.Status.PRESENT,
    Attendance.Status.LEFT_EARLY,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
]


@transaction.atomic
def seed_attendance() -> int:
    """Mark every unmarked active trainee of up to three started sessions; returns how many."""
    now = timezone.now()
    sessions = list(
        ClassSession.objects.filter(starts_at__lte=now, attendance_state__locked_at__isnull=True)
        .select_related("course", "trainer")
        .order_by("-starts_at")[:3]
    )
    marked = 0
    for session in sessions:
        already = set(
            Attendance.objects.filter(session=session).values_list("enrollment_id", flat=True)
        )
        enrollments = Enrollment.objects.filter(
            course_id=session.course_id, status=Enrollment.Status.ACTIVE
        ).order_by("pk")
        for index, enrollment in enumerate(enrollments):
            if enrollment.pk in already:
                continue
            attendance_set(
                session_id=session.pk,
                enrollment=enrollment,
                status=DEMO_STATUSES[index % len(DEMO_STATUSES)],
                method=Attendance.Method.ROLL_CALL,
                marked_by=session.trainer,
            )
            marked += 1
    return marked
