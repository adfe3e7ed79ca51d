"""A trainee evaluates a session from "My learning" on their phone."""

import pytest
from playwright.sync_api import expect

from enrollments.models import Evaluation


@pytest.mark.parametrize("viewport", ["phone"])
def test_trainee_evaluates_a_session_on_a_phone(visit):
    trainee = visit("trainee")
    page = trainee.page
    trainee.log_in("trainee@academy.example")

    trainee.goto("/learning/")
    prompt = page.locator("#pending-evaluations")
    expect(prompt.get_by_role("heading", name="请您评估")).to_be_visible()
    link = prompt.locator("a", has_text="第 2 次课")
    expect(link).to_have_count(1)
    title = link.inner_text()
    trainee.assert_fits_the_screen()
    trainee.screenshot("dashboard-prompt")
    link.click()
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", name="评估本次课", level=1)).to_be_visible()
    for aspect, rating in (("课程内容", "5"), ("讲师", "4"), ("组织安排", "4"), ("实用性", "5")):
        group = page.locator("fieldset", has=page.locator("legend", has_text=aspect))
        group.locator(".rating-choice", has_text=rating).click()
        expect(group.locator(f'input[value="{rating}"]')).to_be_checked()
    page.get_by_label("意见和建议").fill("案例很实用，希望多些练习。")
    trainee.assert_fits_the_screen()
    trainee.screenshot("evaluation-form")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评估").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator(".messages")).to_contain_text("感谢您的评估！")
    expect(page.locator("#pending-evaluations").locator("a", has_text=title)).to_have_count(0)
    trainee.assert_fits_the_screen()
    trainee.screenshot("evaluation-thanks")
    evaluation = Evaluation.objects.get(enrollment__user__username="trainee", session__isnull=False)
    ratings = dict(evaluation.answers.values_list("question__aspect", "rating"))
    assert ratings == {
        "content": 5,
        "trainer": 4,
        "organisation": 4,
        "usefulness": 5,
        "other": None,
    }
    assert evaluation.answers.get(question__kind="text").text == "案例很实用，希望多些练习。"
