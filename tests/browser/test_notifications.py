"""A trainee sees the bell with a notice, opens it, and it is read."""

import pytest
from playwright.sync_api import expect

from academy.models import User
from enrollments.models import Notification, NotificationKind
from enrollments.services.notifications import notification_send


@pytest.mark.parametrize("viewport", ["phone"])
def test_trainee_sees_the_bell_and_opens_the_notice(visit, viewport):
    trainee = User.objects.get(email="trainee@academy.example")
    Notification.objects.filter(recipient=trainee).update(read_at="2026-01-01T00:00:00Z")
    notification_send(
        recipient=trainee,
        kind=NotificationKind.SESSION_REMINDER,
        key="browser-test:session-reminder",
        title="明日上课：社会工作伦理",
        body="上午 9:00，社会工作服务大楼 301 教室。请记得签到。",
        link="/learning/hours/",
    )
    browser = visit("trainee")
    page = browser.page
    browser.log_in("trainee@academy.example")

    browser.goto("/")
    bell = page.locator(".notification-bell")
    expect(bell.locator(".notification-bell__count")).to_have_text("1")
    browser.assert_fits_the_screen()
    browser.screenshot("bell")

    bell.click()
    page.wait_for_url("**/learning/notifications/")
    expect(page.get_by_role("heading", name="通知")).to_be_visible()
    browser.assert_fits_the_screen()
    browser.screenshot("notifications")
    page.get_by_role("button", name="明日上课：社会工作伦理").click()

    page.wait_for_url("**/learning/hours/")
    expect(page.locator(".notification-bell__count")).to_have_count(0)
    assert Notification.objects.get(key="browser-test:session-reminder").read_at is not None
