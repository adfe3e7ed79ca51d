"""A session's attendance lock is kept by the enrollments app, out of page revisions;
its migration 0009 copies the locks before this one drops the field."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_lesson_help_and_http_links"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="classsession",
            name="attendance_locked_at",
        ),
    ]
