"""A walk-in trainee claims the account made for them at a class, on their phone, with
the code the console SMS backend prints, finds their class-hours in it, sees the bell
with a notice and opens their personal calendar link."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from academy.services import trainee_account_create
from enrollments.models import NotificationKind
from enrollments.services.notifications import notification_send
from tests.courses import factories as tree
from tests.enrollments import factories as records

PHONE = "13612345678"
PASSWORD = "walk-in-claims-2026"


@pytest.fixture
def walk_in(demo_site, settings):
    settings.ACADEMY_SMS_BACKEND = "academy.sms.ConsoleBackend"
    user = trainee_account_create(full_name="钱小梅", phone=PHONE)
    course = tree.course(title="社区走访实务")
    session = tree.session(course=course, days_ahead=-1, hours="2.5")
    tree.session(course=course, days_ahead=6, hours="2")
    enrollment = records.enrollment(course=session.course, user=user, source="walk_in")
    records.attendance(session=session, enrollment=enrollment)
    notification_send(
        recipient=user,
        kind=NotificationKind.SESSION_REMINDER,
        key="claim-journey:reminder",
        title="下周上课：社区走访实务",
        body="请按时到场签到。",
        link="/learning/",
    )
    return user


def _texted_code(capsys) -> str:
    printed = capsys.readouterr().out
    codes = re.findall(rf"\[SMS to {PHONE}\] \D*(\d{{6}})", printed)
    assert codes, printed
    return codes[-1]


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_walk_in_claims_their_account_and_sees_their_hours(visit, walk_in, capsys):
    trainee = visit("walk-in")
    page = trainee.page
    users_before = get_user_model().objects.count()

    trainee.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="认领我的账户").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="认领我的账户")).to_be_visible()
    trainee.assert_fits_the_screen()

    page.locator("#id_phone").fill(PHONE)
    with page.expect_navigation():
        page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("验证码已发出")
    trainee.screenshot("code-sent")

    page.locator("#id_phone").fill(PHONE)
    page.locator("#id_code").fill(_texted_code(capsys))
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="认领账户").click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/learning/")
    expect(page.locator("main")).to_contain_text("密码已设置")
    trainee.assert_fits_the_screen()
    trainee.screenshot("my-learning")

    trainee.goto("/learning/hours/")
    expect(page.locator("main")).to_contain_text("2.5")
    expect(page.locator("main")).to_contain_text("社区走访实务")
    trainee.assert_fits_the_screen()
    trainee.screenshot("my-hours")
    bell = page.locator(".notification-bell")
    expect(bell.locator(".notification-bell__count")).to_have_text(re.compile(r"^[1-9][0-9]*$"))
    with page.expect_navigation():
        bell.click()
    expect(page.get_by_role("button", name="下周上课：社区走访实务")).to_be_visible()
    trainee.assert_fits_the_screen()
    trainee.screenshot("notifications")

    trainee.goto("/learning/")
    with page.expect_navigation():
        page.get_by_role("button", name="生成我的日历链接").click()
    page.wait_for_load_state("networkidle")
    feed_url = page.locator("input.calendar-feed__url").input_value()
    trainee.assert_fits_the_screen()
    trainee.screenshot("calendar-link")
    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text()
    assert "社区走访实务" in feed.text()

    assert get_user_model().objects.count() == users_before
    walk_in.refresh_from_db()
    assert walk_in.check_password(PASSWORD)
