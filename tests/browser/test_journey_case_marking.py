"""A trainer marks a case-analysis answer in the admin's marking queue, point by point,
and the trainee's attempt is final with its score."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from academy.models import User
from courses.models import QuestionType
from enrollments.models import ExamAttempt
from enrollments.services.exams import exam_attempt_answer, exam_attempt_start, exam_attempt_submit
from tests.academy import factories as people
from tests.courses import exam_factories as ex
from tests.enrollments import factories as ef

CASE_ANSWERS = [
    "李大爷需要情绪支持，也需要和邻里重新建立联系。",
    "先家访评估，再链接社区志愿者定期探访。",
]


@pytest.fixture
def submitted_case_attempt(demo_site):
    trainer = User.objects.get(email="trainer@academy.example")
    bank = ex.bank(name="社会工作实务（中级）练习题库")
    ex.single(bank=bank)
    ex.case(bank=bank)
    exam = ex.exam(
        bank=bank,
        course=ex.exam_course(trainers=[trainer], code="case-marking"),
        title="实务案例模拟考试",
        pass_mark=Decimal(12),
        sections=[(QuestionType.SINGLE, 1, 1), (QuestionType.CASE, 1, 20)],
    )
    trainee = people.trainee(full_name="赵晓华", username="case-marking", phone="13700000099")
    ef.enrollment(course=exam.course, user=trainee)
    attempt = exam_attempt_start(user=trainee, exam=exam)
    for question in attempt.questions.select_related("version"):
        content = question.version.content
        answer = CASE_ANSWERS if content["type"] == "case" else content["answer"]
        exam_attempt_answer(
            attempt=attempt, user=trainee, position=question.position, answer=answer
        )
    return exam_attempt_submit(attempt_id=attempt.pk)


def test_trainer_marks_a_case_answer(visit, submitted_case_attempt):
    attempt = submitted_case_attempt
    assert attempt.status == ExamAttempt.Status.AWAITING_MARKING
    trainer = visit("trainer")
    page = trainer.page
    trainer.log_in("trainer@academy.example")

    trainer.goto(reverse("marking_admin:queue"))
    row = page.locator(".marking-queue tr", has_text="实务案例模拟考试")
    expect(row).to_contain_text(str(attempt.user))
    trainer.screenshot("queue")
    with page.expect_navigation():
        row.get_by_role("link", name="评阅").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator(".trainee-answer").first).to_contain_text(CASE_ANSWERS[0])
    expect(page.locator(".case-marking")).to_contain_text("建立专业关系")
    for name, value in {"mark_0_0": "4", "mark_0_1": "5", "mark_1_0": "3", "mark_1_1": "4"}.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_comment").fill("需求分析到位，介入计划可以更具体。")
    trainer.screenshot("marking")
    with page.expect_navigation():
        page.get_by_role("button", name="保存评分").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator(".messages")).to_contain_text("评分已保存")
    expect(page.locator("main")).to_contain_text("没有待评阅的案例答案")
    trainer.screenshot("queue-empty")
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.MARKED
    assert attempt.score == Decimal(17)
    assert attempt.passed is True
    case = attempt.questions.get(version__content__type="case")
    assert case.marker_comment == "需求分析到位，介入计划可以更具体。"
