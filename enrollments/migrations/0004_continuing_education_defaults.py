from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    ("assistant", Decimal("72"), 3),
    ("intermediate", Decimal("90"), 3),
    ("senior", Decimal("90"), 3),
]


def create_defaults(apps, schema_editor):
    Policy = apps.get_model("enrollments", "ContinuingEducationPolicy")
    for level, hours, years in DEFAULTS:
        Policy.objects.get_or_create(
            qualification_level=level, defaults={"hours_required": hours, "cycle_years": years}
        )


class Migration(migrations.Migration):
    dependencies = [("enrollments", "0003_enrolment_waitlist_policy_external_training")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
