"""The demo question files: clean under the import's own checks, with the question
types, topics and explanations the demo needs, and mock exams built from them."""

from collections import Counter
from decimal import Decimal

import pytest

from academy.demo import seed_people
from cms_pages.demo import seed_site
from courses.demo import seed_courses
from courses.demo.exams import DEMO_BANKS, demo_question_rows, seed_question_banks
from courses.models import Exam, NationalPaper, Question, QuestionBank, QuestionType
from courses.question_files import question_rows_check

pytestmark = pytest.mark.django_db

# At least: single, multiple, true/false, case analysis.
MINIMUM = {
    "comprehensive_assistant.csv": {"单选": 60, "多选": 20, "判断": 10, "案例分析": 2},
    "practice_assistant.csv": {"单选": 30, "多选": 10, "判断": 5, "案例分析": 3},
}


@pytest.mark.parametrize("entry", DEMO_BANKS, ids=lambda entry: entry.file_name)
def test_each_demo_file_passes_the_import_checks_with_enough_questions(entry):
    paper = NationalPaper.objects.get(subject=entry.subject, level=entry.level)
    bank = QuestionBank.objects.create(name="check", paper=paper)
    headers, rows = demo_question_rows(entry.file_name)

    report = question_rows_check(bank=bank, headers=headers, rows=rows)

    assert report.problems == []
    types = Counter(row[0] for _number, row in rows)
    for label, minimum in MINIMUM[entry.file_name].items():
        assert types[label] >= minimum, label
    questions = report.good_questions
    assert len(questions) == sum(types.values()) - types["小题"]
    chapters = {question.topic_path.split(" / ")[0] for question in questions}
    assert 4 <= len(chapters) <= 8
    assert all(len(question.topic_path.split(" / ")) == 2 for question in questions)
    assert {question.difficulty for question in questions} == {1, 2, 3}
    for question in questions:
        if question.question_type == QuestionType.CASE:
            assert 2 <= len(question.sub_questions) <= 3
            assert 150 <= len(question.stem) <= 300
        else:
            assert question.explanation
        if question.question_type == QuestionType.MULTIPLE:
            assert len(question.options) == 5
            assert 2 <= sum(option.is_correct for option in question.options) <= 4
        if question.question_type == QuestionType.SINGLE:
            assert len(question.options) == 4
            assert sum(option.is_correct for option in question.options) == 1


def test_the_banks_and_mock_exams_follow_the_national_papers():
    seed_people()
    seed_site()
    seed_courses()

    seed_question_banks()

    comprehensive = Exam.objects.get(course__slug="comprehensive")
    assert comprehensive.required_for_completion and comprehensive.is_published
    sections = [
        (section.question_type, section.count, section.points)
        for section in comprehensive.sections.order_by("sort_order")
    ]
    assert sections == [("single", 60, Decimal(1)), ("multiple", 20, Decimal(2))]
    assert comprehensive.pass_mark == comprehensive.paper.pass_mark == 60
    assert comprehensive.time_limit_minutes == comprehensive.paper.duration_minutes

    # The 实务 bank is smaller than one national paper: a smaller mock exam, and it says so.
    practice = Exam.objects.get(course__slug="practice-assistant")
    sections = [
        (section.question_type, section.count, section.points)
        for section in practice.sections.order_by("sort_order")
    ]
    assert sections == [("single", 30, Decimal(1)), ("multiple", 10, Decimal(2))]
    assert practice.pass_mark == 30
    assert practice.time_limit_minutes == 60
    assert practice.title.endswith("（小题量）")
    assert (
        "缩小题量" in practice.instructions
        and "满分50分，30分及格，限时60分钟" in practice.instructions
    )
    assert "满分100分，60分及格，限时120分钟" in comprehensive.instructions
    assert not practice.required_for_completion
    for exam in (comprehensive, practice):
        for section in exam.sections.all():
            in_bank = Question.objects.filter(
                bank=exam.bank, question_type=section.question_type, is_active=True
            )
            assert in_bank.count() >= section.count
    assert Question.objects.filter(bank=practice.bank, question_type=QuestionType.CASE).count() == 3
