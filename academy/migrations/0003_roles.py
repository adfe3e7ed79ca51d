from django.db import migrations

ROLE_NAMES = ("Trainee", "Trainer", "Administrator")
WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)
    administrators = Group.objects.get(name="Administrator")
    # Publication is approved by administrators: hand Wagtail's default
    # approval task to them and drop the default groups nobody belongs to.
    for approval_task in GroupApprovalTask.objects.all():
        approval_task.groups.set([administrators])
        if approval_task.name == "Moderators approval":
            approval_task.name = "Administrator approval"
            approval_task.save(update_fields=["name"])
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_site_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
