"""Enrolments, lesson progress, attendance and the matching hour entries."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from enrollments.models import Attendance, Enrollment, LessonProgress

from .bulk import first_free_id, rows_insert, spread
from .sessions import SESSION_HOURS
from .sizes import Scale

ATTENDANCE_STATUS_CUTS = [(85, "present"), (90, "late"), (93, "left_early"), (95, "excused")]
PARTIAL_SHARE = Decimal("0.5")


def enrollments_insert(*, scale: Scale, trainees: list[int], courses: list, sessions, now):
    """Each trainee in ``enrollments_per_trainee`` consecutive courses. Every fifth
    enrolment is completed, one in fifty withdrawn, the rest active."""
    per_trainee = min(scale.enrollments_per_trainee, len(courses))
    first = first_free_id(Enrollment)
    by_course: list[list[tuple]] = [[] for _course in courses]
    rows = []
    enrollment_id = first
    for trainee_index, user_id in enumerate(trainees):
        for offset in range(per_trainee):
            course_index = (trainee_index * per_trainee + offset) % len(courses)
            past = [starts for _id, starts, is_past, _t in sessions[course_index] if is_past]
            enrolled_at = (min(past) if past else now) - timedelta(days=20 + trainee_index % 30)
            status = "active"
            completed_at = withdrawn_at = None
            if enrollment_id % 5 == 0:
                status = "completed"
                completed_at = (max(past) if past else now) + timedelta(hours=4)
            elif enrollment_id % 50 == 3:
                status = "withdrawn"
                withdrawn_at = enrolled_at + timedelta(days=10)
            rows.append(
                (
                    enrollment_id,
                    user_id,
                    courses[course_index].pk,
                    status,
                    "self",
                    enrolled_at,
                    completed_at or withdrawn_at or enrolled_at,
                    "",
                    completed_at,
                    withdrawn_at,
                )
            )
            by_course[course_index].append((enrollment_id, user_id, status, enrolled_at))
            enrollment_id += 1
    rows_insert(
        Enrollment,
        [
            "id",
            "user_id",
            "course_id",
            "status",
            "source",
            "created_at",
            "updated_at",
            "decision_reason",
            "completed_at",
            "withdrawn_at",
        ],
        rows,
    )
    return by_course


HOUR_COLUMNS = [
    "user_id",
    "source",
    "hours",
    "date",
    "course_id",
    "enrollment_id",
    "lesson_id",
    "session_id",
    "description",
    "recorded_by_id",
    "created_at",
]


def progress_insert(*, scale: Scale, courses, lessons, enrollments, now) -> tuple[int, list[tuple]]:
    """Lesson progress: completed enrolments finished every lesson, the others spread the
    rest of the rows (all but the last lesson they opened are done). Returns the row count
    and the matching online-lesson hour entries."""
    everyone = [
        (course_index, enrollment)
        for course_index, group in enumerate(enrollments)
        for enrollment in group
    ]
    completed = [item for item in everyone if item[1][2] == "completed"]
    others = [item for item in everyone if item[1][2] != "completed"]
    budget = scale.progress
    plan = []
    for course_index, enrollment in completed:
        take = min(len(lessons[course_index]), budget)
        plan.append((course_index, enrollment, take, take))
        budget -= take
    for (course_index, enrollment), share in zip(
        others, spread(max(budget, 0), len(others)), strict=True
    ):
        take = min(share, max(len(lessons[course_index]) - 1, 0))
        plan.append((course_index, enrollment, take, max(take - 1, 0)))
    hour_rows: list[tuple] = []

    def rows():
        for course_index, (enrollment_id, user_id, _status, enrolled_at), take, done in plan:
            course_id = courses[course_index].pk
            for position, lesson in enumerate(lessons[course_index][:take]):
                started = enrolled_at + timedelta(days=1 + position, hours=enrollment_id % 12)
                finished = started + timedelta(minutes=50) if position < done else None
                yield (
                    enrollment_id,
                    lesson.pk,
                    started,
                    finished or started + timedelta(minutes=20),
                    3000 if finished else 1200,
                    finished,
                )
                if finished:
                    hour_rows.append(
                        (
                            user_id,
                            "online_lesson",
                            lesson.class_hours,
                            timezone.localdate(finished),
                            course_id,
                            enrollment_id,
                            lesson.pk,
                            None,
                            "",
                            None,
                            finished,
                        )
                    )

    count = rows_insert(
        LessonProgress,
        [
            "enrollment_id",
            "lesson_id",
            "started_at",
            "last_beat_at",
            "seconds_on_task",
            "completed_at",
        ],
        rows(),
    )
    return count, hour_rows


def attendance_insert(*, scale: Scale, courses, sessions, enrollments) -> tuple[int, list[tuple]]:
    """Attendance spread evenly over the past sessions, with the matching classroom credits."""
    past = [
        (course_index, session)
        for course_index, group in enumerate(sessions)
        for session in group
        if session[2]
    ]
    hour_rows: list[tuple] = []

    def rows():
        for (course_index, session), share in zip(
            past, spread(scale.attendance, len(past)), strict=True
        ):
            session_id, starts_at, _is_past, trainer = session
            course_id = courses[course_index].pk
            for enrollment_id, user_id, status, _enrolled in enrollments[course_index][:share]:
                if status == "completed":
                    mark = "present"
                else:
                    roll = (enrollment_id * 31 + session_id * 17) % 100
                    mark = next((m for cut, m in ATTENDANCE_STATUS_CUTS if roll < cut), "absent")
                hours = {
                    "present": SESSION_HOURS,
                    "late": SESSION_HOURS * PARTIAL_SHARE,
                    "left_early": SESSION_HOURS * PARTIAL_SHARE,
                }.get(mark, Decimal("0.0"))
                by_code = enrollment_id % 3 == 0
                checked_in = (
                    starts_at + timedelta(minutes=(enrollment_id % 25) - 10)
                    if mark in Attendance.ATTENDED_STATUSES
                    else None
                )
                yield (
                    session_id,
                    enrollment_id,
                    mark,
                    "qr_code" if by_code else "roll_call",
                    checked_in,
                    hours,
                    None if by_code else trainer,
                    starts_at + timedelta(hours=3),
                )
                if hours:
                    hour_rows.append(
                        (
                            user_id,
                            "classroom_session",
                            hours,
                            timezone.localdate(starts_at),
                            course_id,
                            enrollment_id,
                            None,
                            session_id,
                            "",
                            trainer,
                            starts_at + timedelta(hours=3),
                        )
                    )

    count = rows_insert(
        Attendance,
        [
            "session_id",
            "enrollment_id",
            "status",
            "method",
            "checked_in_at",
            "hours_credited",
            "marked_by_id",
            "updated_at",
        ],
        rows(),
    )
    return count, hour_rows
