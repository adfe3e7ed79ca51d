"""A trainee takes the demo's mock exam on their phone: answers as they go, loses the
page (a reload), carries on where they were, hands in, sees the score and reviews the
wrong answers with their explanations."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Exam
from enrollments.models import ExamAttempt, WrongAnswer
from tests.browser.conftest import ARTIFACTS
from tests.browser.html_checker import nu_errors, skip_without_java


def _demo_mock_exam():
    """The demo's mock exam of 社会工作综合能力（初级）: the national structure, 60 single
    choice at 1 point and 20 multiple choice at 2, marked at once. The demo trainee is
    enrolled in its course and took it once already."""
    return Exam.objects.get(course__slug="comprehensive", kind=Exam.Kind.MOCK)


def _answer(page, attempt, position: int, wrong: bool):
    item = attempt.questions.select_related("version").get(position=position)
    content = item.version.content
    keys = [option["key"] for option in content["options"]] or ["T", "F"]
    chosen = [next(k for k in keys if k not in content["answer"])] if wrong else content["answer"]
    for key in chosen:
        page.locator(f'.exam-option input[value="{key}"]').check()
    expect(page.locator("[data-save-status]")).to_have_text("已保存")
    return chosen


@pytest.mark.parametrize("viewport", ["phone"])
def test_trainee_takes_a_mock_exam_on_a_phone_reloads_and_reviews(visit):
    skip_without_java()
    exam = _demo_mock_exam()
    documents = {}
    trainee = visit("trainee")
    page = trainee.page
    trainee.log_in("trainee@academy.example")

    trainee.goto("/learning/")
    page.locator("#exam-practice a.button").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="考前练习", level=1)).to_be_visible()
    page.locator(".exam-card a", has_text=exam.title).first.click()
    page.wait_for_load_state("networkidle")
    trainee.assert_fits_the_screen()
    documents["exam"] = page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="开始考试").click()
    page.wait_for_load_state("networkidle")

    attempt = ExamAttempt.objects.get(
        exam=exam, user__email="trainee@academy.example", status=ExamAttempt.Status.IN_PROGRESS
    )
    total = attempt.questions.count()
    assert total == 80
    expect(page.locator(".exam-bar__position")).to_contain_text(f"第 1 题 / 共 {total} 题")
    expect(page.locator("[data-timer]")).to_have_text(re.compile(r"^(\d+:)?\d{2}:\d{2}$"))
    trainee.assert_fits_the_screen()
    trainee.screenshot("question-1")
    documents["question"] = page.content()
    wrong = {1, 61}
    _answer(page, attempt, 1, wrong=True)
    page.locator("button[data-go]", has_text="下一题").click()
    page.wait_for_url("**/questions/2/")
    page.wait_for_load_state("networkidle")

    # The connection drops as question 2 is answered: the page says so and keeps trying;
    # the tab is reloaded before it comes back, and the answer is still sent.
    trainee.expect_failure(r"/questions/2/answer/")
    trainee.expect_failure(r"net::ERR_INTERNET_DISCONNECTED")
    page.route("**/questions/2/answer/", lambda route: route.abort("internetdisconnected"))
    item = attempt.questions.select_related("version").get(position=2)
    lost_answer = item.version.content["answer"]
    for key in lost_answer:
        page.locator(f'.exam-option input[value="{key}"]').check()
    expect(page.locator("[data-save-status]")).to_contain_text("网络断开")
    item.refresh_from_db()
    assert item.answer is None
    page.unroute("**/questions/2/answer/")
    page.reload()
    page.wait_for_load_state("networkidle")
    for key in lost_answer:
        expect(page.locator(f'.exam-option input[value="{key}"]')).to_be_checked()
    expect(page.locator("[data-save-status]")).to_have_text("已保存")
    item.refresh_from_db()
    assert item.answer == sorted(lost_answer)
    page.locator("button[data-go]", has_text="下一题").click()
    page.wait_for_url("**/questions/3/")
    page.wait_for_load_state("networkidle")
    _answer(page, attempt, 3, wrong=False)
    page.locator("button[data-go]", has_text="下一题").click()
    page.wait_for_url("**/questions/4/")
    page.wait_for_load_state("networkidle")

    # Question 4 answered, then the page is lost before moving on.
    chosen = _answer(page, attempt, 4, wrong=False)
    page.locator("[data-flag]").click()
    expect(page.locator("[data-flag]")).to_have_attribute("aria-pressed", "true")
    page.reload()
    page.wait_for_load_state("networkidle")
    for key in chosen:
        expect(page.locator(f'.exam-option input[value="{key}"]')).to_be_checked()
    expect(page.locator("[data-map-position='4']")).to_have_class(
        re.compile("question-map__item--flagged")
    )
    # Coming back by the exam's page carries on at question 4.
    trainee.goto(f"/learning/exams/{exam.pk}/")
    with page.expect_navigation():
        page.locator("main a.button", has_text="继续作答").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/questions/4/")
    answered = page.locator(".question-map__item--answered")
    expect(answered).to_have_count(4)

    for position in range(5, total + 1):
        page.locator(f"[data-map-position='{position}']").click()
        page.wait_for_url(f"**/questions/{position}/")
        page.wait_for_load_state("networkidle")
        _answer(page, attempt, position, wrong=position in wrong)
    trainee.screenshot("question-map")
    page.locator("button[data-go]", has_text="检查并交卷").click()
    page.wait_for_url("**/submit/")
    expect(page.get_by_role("heading", name="确认交卷？")).to_be_visible()
    documents["submit"] = page.content()
    with page.expect_navigation():
        page.locator("[data-hand-in]").click()
    page.wait_for_load_state("networkidle")

    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.MARKED
    # Wrong: question 1 (single choice, 1 point) and question 61 (the first multiple
    # choice, 2 points); every other answer is right.
    lost = sum(q.points for q in attempt.questions.filter(position__in=wrong))
    assert attempt.score == attempt.total_points - lost
    expect(page.locator("[data-score]")).to_contain_text(
        f"{attempt.score} / {attempt.total_points}"
    )
    expect(page.locator(".exam-score")).to_contain_text("已通过")
    trainee.assert_fits_the_screen()
    trainee.screenshot("result")

    page.locator("[data-wrong-filter]").click()
    page.wait_for_load_state("networkidle")
    reviewed = page.locator("[data-review-position]")
    expect(reviewed).to_have_count(2)
    first = reviewed.first
    expect(first.locator(".exam-review__explanation")).to_contain_text("解析")
    expect(first.locator(".exam-option--right")).to_have_count(1)
    trainee.screenshot("review-wrong")
    documents["review"] = page.content()

    page.locator(".exam-review__filter a", has_text="我的错题本").click()
    page.wait_for_load_state("networkidle")
    # The book holds this attempt's two wrong answers beside those the demo trainee
    # already had from the demo mock exam.
    book = WrongAnswer.objects.filter(user=attempt.user, cleared_at__isnull=True)
    wrong_questions = attempt.questions.filter(position__in=wrong).values_list(
        "question", flat=True
    )
    assert set(wrong_questions) <= set(book.values_list("question", flat=True))
    expect(page.locator(".wrong-answer")).to_have_count(book.count())
    trainee.assert_fits_the_screen()
    documents["wrong answers"] = page.content()

    errors = nu_errors(documents, ARTIFACTS / trainee.name / "html-phone")
    assert not errors, "\n".join(errors)
