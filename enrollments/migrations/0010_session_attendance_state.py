"""Attendance locks move out of the course pages' revisions.

A session's lock was a field of ``courses.ClassSession``, which is saved inside its
course page's revisions, so publishing a revision drafted before the lock unlocked
the session. The lock now has its own row per session here. Every lock is copied
over before ``courses`` drops the field (``run_before``), and copied back on the
way down. The check-in window's minutes become the window for every way of taking
attendance, under a name that says so.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def locks_to_states(apps, schema_editor):
    ClassSession = apps.get_model("courses", "ClassSession")
    SessionAttendanceState = apps.get_model("enrollments", "SessionAttendanceState")
    locked = ClassSession.objects.filter(attendance_locked_at__isnull=False).values_list(
        "pk", "attendance_locked_at"
    )
    SessionAttendanceState.objects.bulk_create(
        (
            SessionAttendanceState(session_id=session_id, locked_at=locked_at)
            for session_id, locked_at in locked.iterator()
        ),
        batch_size=1000,
    )


def states_to_locks(apps, schema_editor):
    ClassSession = apps.get_model("courses", "ClassSession")
    SessionAttendanceState = apps.get_model("enrollments", "SessionAttendanceState")
    for session_id, locked_at in (
        SessionAttendanceState.objects.filter(locked_at__isnull=False)
        .values_list("session_id", "locked_at")
        .iterator()
    ):
        ClassSession.objects.filter(pk=session_id).update(attendance_locked_at=locked_at)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_lesson_help_and_http_links"),
        ("enrollments", "0009_job_queue_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("courses", "0004_remove_classsession_attendance_locked_at")]

    operations = [
        migrations.CreateModel(
            name="SessionAttendanceState",
            fields=[
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="attendance_state",
                        serialize=False,
                        to="courses.classsession",
                        verbose_name="session",
                    ),
                ),
                (
                    "locked_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Once locked, attendance marks can no longer be changed.",
                        null=True,
                        verbose_name="attendance locked",
                    ),
                ),
                (
                    "locked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="locked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "session attendance state",
                "verbose_name_plural": "session attendance states",
            },
        ),
        migrations.RunPython(locks_to_states, states_to_locks),
        migrations.RenameField(
            model_name="attendancerule",
            old_name="checkin_opens_minutes",
            new_name="attendance_opens_minutes",
        ),
        migrations.AlterField(
            model_name="attendancerule",
            name="attendance_opens_minutes",
            field=models.PositiveIntegerField(
                default=30,
                help_text=(
                    "Roll call, check-in and imports accept a session's marks from this many "
                    "minutes before it starts; never earlier. Check-in closes at the session's "
                    "end."
                ),
                verbose_name="attendance opens (minutes before the start)",
            ),
        ),
    ]
