from django.db import migrations

NAME = "课程评估"
QUESTIONS = [
    ("rating", "content", "课程内容"),
    ("rating", "trainer", "讲师"),
    ("rating", "organisation", "组织安排"),
    ("rating", "usefulness", "实用性"),
    ("text", "other", "意见和建议"),
]


def create_default(apps, schema_editor):
    Questionnaire = apps.get_model("enrollments", "EvaluationQuestionnaire")
    Question = apps.get_model("enrollments", "EvaluationQuestion")
    if Questionnaire.objects.filter(is_default=True).exists():
        return
    questionnaire = Questionnaire.objects.create(name=NAME, is_default=True)
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            sort_order=position,
            kind=kind,
            aspect=aspect,
            text=text,
            required=kind == "rating",
        )
        for position, (kind, aspect, text) in enumerate(QUESTIONS)
    )


class Migration(migrations.Migration):
    dependencies = [("enrollments", "0009_evaluations")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
