"""Hours from live online sessions become online hours; imports may count minutes.

Each live credit booked as classroom hours for a live online session is cancelled by
an appended reversal pointing at it, and the same hours are appended again as live
online hours. Rows are only ever added: every trainee's total stays what it was.
"""

from django.db import migrations, models
from django.db.models import Sum

CLASSROOM = "classroom_session"
LIVE_ONLINE = "live_online_session"
BATCH = 500
REBOOKED = "改记为线上直播学时"
COPIED = (
    "user_id",
    "date",
    "course_id",
    "enrollment_id",
    "lesson_id",
    "session_id",
    "external_training_id",
    "recorded_by_id",
)


def _rebook(HourEntry, *, from_source, to_source):
    on_live_sessions = HourEntry.objects.filter(source=from_source, session__kind="live_online")
    live = on_live_sessions.filter(corrects__isnull=True, corrections__isnull=True)
    # The ids first: the loop appends to the table it reads.
    ids = list(live.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = []
        for entry in HourEntry.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk"):
            common = {name: getattr(entry, name) for name in COPIED}
            batch.append(
                HourEntry(
                    source=from_source,
                    hours=-entry.hours,
                    corrects_id=entry.pk,
                    description=REBOOKED,
                    **common,
                )
            )
            batch.append(
                HourEntry(
                    source=to_source, hours=entry.hours, description=entry.description, **common
                )
            )
        HourEntry.objects.bulk_create(batch)
    # What corrections of corrections left over: move the remaining net as it is.
    leftovers = (
        on_live_sessions.values("user_id", "enrollment_id", "session_id", "course_id", "date")
        .annotate(net=Sum("hours"))
        .exclude(net=0)
        .order_by()
    )
    for group in leftovers:
        net = group.pop("net")
        common = {**group, "description": REBOOKED}
        HourEntry.objects.bulk_create(
            [
                HourEntry(source=from_source, hours=-net, **common),
                HourEntry(source=to_source, hours=net, **common),
            ]
        )


def forwards(apps, schema_editor):
    _rebook(apps.get_model("enrollments", "HourEntry"), from_source=CLASSROOM, to_source=LIVE_ONLINE)


def backwards(apps, schema_editor):
    _rebook(apps.get_model("enrollments", "HourEntry"), from_source=LIVE_ONLINE, to_source=CLASSROOM)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_remove_classsession_attendance_locked_at"),
        ("enrollments", "0017_change_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendancerule",
            name="import_partial_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                help_text=(
                    "When set, below this many minutes the trainee is absent, instead of the "
                    "share above."
                ),
                null=True,
                verbose_name="imported: left early from (minutes)",
            ),
        ),
        migrations.AddField(
            model_name="attendancerule",
            name="import_present_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                help_text=(
                    "When set, this many minutes in the meeting count as present whatever the "
                    "session's length, instead of the share above."
                ),
                null=True,
                verbose_name="imported: present from (minutes)",
            ),
        ),
        migrations.AlterField(
            model_name="hourentry",
            name="source",
            field=models.CharField(
                choices=[
                    ("online_lesson", "Online lesson"),
                    ("classroom_session", "Classroom session"),
                    ("live_online_session", "Live online session"),
                    ("external_training", "External training"),
                    ("adjustment", "Adjustment"),
                ],
                max_length=30,
                verbose_name="source",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
