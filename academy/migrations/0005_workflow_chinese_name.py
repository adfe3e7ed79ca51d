from django.db import migrations

# Workflow and task names are data that Wagtail shows as they are stored, in the
# "提交给…" button and on the workflow screens: they are kept in the site's
# default language.
ENGLISH_NAMES = ("Administrator approval", "Moderators approval")
CHINESE_NAME = "管理员审核"


def name_in_chinese(apps, schema_editor):
    for model_name in ("Workflow", "Task"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(name__in=ENGLISH_NAMES).update(name=CHINESE_NAME)


def name_in_english(apps, schema_editor):
    for model_name in ("Workflow", "Task"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(name=CHINESE_NAME).update(name=ENGLISH_NAMES[0])


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0004_workflow_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(name_in_chinese, name_in_english)]
