"""The national social-work exam's papers, with their structure as editable defaults."""

from django.db import migrations

OBJECTIVE = [
    {"title": "单项选择题", "question_type": "single", "count": 60, "points": "1"},
    {"title": "多项选择题", "question_type": "multiple", "count": 20, "points": "2"},
]

PAPERS = [
    ("comprehensive", "assistant", "社会工作综合能力（初级）", True, OBJECTIVE, 120),
    ("practice", "assistant", "社会工作实务（初级）", True, OBJECTIVE, 120),
    ("comprehensive", "intermediate", "社会工作综合能力（中级）", True, OBJECTIVE, 120),
    ("law_policy", "intermediate", "社会工作法规与政策（中级）", True, OBJECTIVE, 120),
    (
        "practice",
        "intermediate",
        "社会工作实务（中级）",
        False,
        [{"title": "案例分析题", "question_type": "case", "count": 5, "points": "20"}],
        150,
    ),
    (
        "senior_practice",
        "senior",
        "社会工作实务（高级）",
        False,
        [
            {"title": "案例分析题", "question_type": "case", "count": 3, "points": "20"},
            {"title": "论述题", "question_type": "case", "count": 2, "points": "20"},
        ],
        180,
    ),
]


def add_papers(apps, schema_editor):
    NationalPaper = apps.get_model("courses", "NationalPaper")
    for subject, level, name, objective, structure, minutes in PAPERS:
        NationalPaper.objects.get_or_create(
            subject=subject,
            level=level,
            defaults={
                "name": name,
                "is_objective": objective,
                "structure": structure,
                "total_points": 100,
                "pass_mark": 60,
                "duration_minutes": minutes,
            },
        )


def remove_papers(apps, schema_editor):
    NationalPaper = apps.get_model("courses", "NationalPaper")
    NationalPaper.objects.filter(banks__isnull=True, exams__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_question_banks_exams")]

    operations = [migrations.RunPython(add_papers, remove_papers)]
