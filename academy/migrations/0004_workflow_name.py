from django.db import migrations


def rename_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name="Moderators approval").update(name="Administrator approval")


def restore_workflow_name(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name="Administrator approval").update(name="Moderators approval")


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0003_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_workflow, restore_workflow_name)]
