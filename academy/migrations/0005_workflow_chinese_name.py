from django.db import migrations

# Names that Wagtail shows as they are stored (the "提交给…" button, the workflow
# screens, the explorer's and the collections' roots) are kept in the site's
# default language.
ENGLISH_NAMES = ("Administrator approval", "Moderators approval")
CHINESE_NAME = "管理员审核"
ROOT_TITLE = "根目录"


def name_in_chinese(apps, schema_editor):
    for model_name in ("Workflow", "Task"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(name__in=ENGLISH_NAMES).update(name=CHINESE_NAME)
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_TITLE, draft_title=ROOT_TITLE)
    Collection = apps.get_model("wagtailcore", "Collection")
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_TITLE)


def name_in_english(apps, schema_editor):
    for model_name in ("Workflow", "Task"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(name=CHINESE_NAME).update(name=ENGLISH_NAMES[0])
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=ROOT_TITLE).update(title="Root", draft_title="Root")
    Collection = apps.get_model("wagtailcore", "Collection")
    Collection.objects.filter(depth=1, name=ROOT_TITLE).update(name="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0004_workflow_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(name_in_chinese, name_in_english)]
