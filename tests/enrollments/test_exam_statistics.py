"""Item statistics: score distribution, pass rate, facility and upper-minus-lower 27%
discrimination, badly discriminating questions flagged; the admin page and its XLSX."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enrollments.models import AttemptQuestion, ExamAttempt
from enrollments.selectors.exam_statistics import (
    exam_question_statistics,
    exam_score_distribution,
    exam_summary,
)
from enrollments.services.exams import question_version_current
from tests.academy import factories as people
from tests.courses import exam_factories as ex

pytestmark = pytest.mark.django_db

# Rows are attempts, columns questions 1-4 (1 point each): question 1 and 4 are answered
# right by the strong, question 2 by everyone, question 3 by the weakest only.
GRID = [
    (0, 1, 1, 0),
    (0, 1, 1, 0),
    (0, 1, 0, 0),
    (0, 1, 0, 1),
    (0, 1, 0, 1),
    (1, 1, 0, 1),
    (1, 1, 0, 1),
    (1, 1, 0, 1),
    (1, 1, 0, 1),
    (1, 1, 0, 1),
]


@pytest.fixture
def marked_exam(trainer_user):
    bank = ex.bank()
    questions = [ex.single(bank=bank, stem=f"第 {n} 题") for n in range(1, 5)]
    exam = ex.exam(
        bank=bank,
        course=ex.exam_course(trainers=[trainer_user]),
        fixed=[(question, 1) for question in questions],
        pass_mark=Decimal(3),
    )
    versions = [question_version_current(question=question) for question in questions]
    now = timezone.now()
    for row in GRID:
        total = Decimal(sum(row))
        attempt = ExamAttempt.objects.create(
            exam=exam,
            user=people.trainee(),
            number=1,
            seed=1,
            status=ExamAttempt.Status.MARKED,
            started_at=now,
            submitted_at=now,
            marked_at=now,
            total_points=Decimal(4),
            score=total,
            passed=total >= exam.pass_mark,
        )
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(
                attempt=attempt,
                position=index,
                question=question,
                version=version,
                points=Decimal(1),
                answer=["B"] if score else ["A"],
                score=Decimal(score),
            )
            for index, (question, version, score) in enumerate(
                zip(questions, versions, row, strict=True), start=1
            )
        )
    # An attempt in progress counts for nothing.
    ExamAttempt.objects.create(
        exam=exam, user=people.trainee(), number=1, seed=2, started_at=now, total_points=4
    )
    return exam, questions


def test_the_summary_and_the_distribution(marked_exam):
    exam, _questions = marked_exam

    summary = exam_summary(exam=exam)
    bands = exam_score_distribution(exam=exam)

    assert summary.attempts == 10
    assert summary.mean_score == Decimal("2.4")
    assert summary.pass_rate == 0.5
    assert summary.group_size == 3
    assert [band.count for band in bands] == [0, 0, 1, 0, 0, 4, 0, 5, 0, 0]


def test_facility_and_discrimination_flag_the_questions_that_do_not_separate(
    marked_exam, django_assert_num_queries
):
    exam, questions = marked_exam
    summary = exam_summary(exam=exam)

    with django_assert_num_queries(1):
        rows = {
            row.question_id: row for row in exam_question_statistics(exam=exam, summary=summary)
        }

    q1, q2, q3, q4 = (rows[question.pk] for question in questions)
    assert (q1.facility, q1.discrimination, q1.discriminates_badly) == (0.5, 1.0, False)
    assert (q2.facility, q2.discrimination, q2.discriminates_badly) == (1.0, 0.0, True)
    assert q3.facility == pytest.approx(0.2)
    assert q3.discrimination == pytest.approx(-2 / 3)
    assert q3.discriminates_badly
    assert (q4.facility, q4.discriminates_badly) == (0.7, False)
    assert all(row.answers == 10 for row in rows.values())
    assert list(rows)[0] == questions[2].pk


def test_an_exam_without_marked_attempts_has_empty_figures():
    exam = ex.exam(bank=ex.bank(), fixed=[(ex.single(bank=ex.bank()), 1)])

    assert exam_summary(exam=exam).attempts == 0
    assert exam_summary(exam=exam).pass_rate is None
    assert exam_question_statistics(exam=exam) == []


def test_the_page_and_its_workbook_for_the_course_trainer_only(client, marked_exam, trainer_user):
    exam, _questions = marked_exam
    client.force_login(trainer_user)

    page = client.get(reverse("exam_statistics_admin:detail", args=[exam.pk]))
    download = client.get(reverse("exam_statistics_admin:xlsx", args=[exam.pk]))

    assert page.status_code == 200
    assert page.content.decode().count('class="discriminates-badly"') == 2
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames[:3] == ["概览", "成绩分布", "题目"]
    rows = list(workbook["题目"].iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[1][0] == "第 3 题"
    index = client.get(reverse("exam_statistics_admin:index"))
    assert exam.title in index.content.decode()

    client.force_login(people.trainer())
    assert client.get(reverse("exam_statistics_admin:detail", args=[exam.pk])).status_code == 404
    assert client.get(reverse("exam_statistics_admin:xlsx", args=[exam.pk])).status_code == 404
    assert exam.title not in client.get(reverse("exam_statistics_admin:index")).content.decode()
