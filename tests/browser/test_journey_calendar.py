"""A trainee subscribes to their personal calendar from My learning."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from academy.models import User
from courses.models import ClassSession
from enrollments.selectors.calendar_feed import FEED_STATUSES


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_trainee_opens_their_personal_calendar_link(visit, demo_site):
    trainee_email = "trainee@academy.example"
    trainee = User.objects.get(email=trainee_email)
    expected = {
        f"class-session-{pk}@calendar.academy"
        for pk in ClassSession.objects.filter(
            course__enrollments__user=trainee,
            course__enrollments__status__in=FEED_STATUSES,
            course__live=True,
        ).values_list("pk", flat=True)
    }
    assert expected, "the demo trainee holds a place in courses with sessions"
    browser = visit()
    page = browser.page
    browser.log_in(trainee_email)
    browser.goto(reverse("enrollments:dashboard"))
    calendar_section = page.locator("#calendar")
    expect(calendar_section.get_by_role("heading", name="我的日历")).to_be_visible()
    assert serious_violations(page) == []

    calendar_section.get_by_role("button", name="生成我的日历链接").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator(".messages")).to_contain_text("您的个人日历链接已生成")
    expect(calendar_section).to_contain_text("添加已订阅的日历")
    link = calendar_section.get_by_role("link", name="打开我的日历")
    href = link.get_attribute("href")
    assert href.startswith(demo_site.url + "/learning/calendar/")
    assert page.get_by_label("您的个人日历链接").input_value() == href
    assert serious_violations(page) == []
    browser.assert_fits_the_screen()
    browser.screenshot("dashboard-calendar")

    # What a phone's calendar app does with the link: fetch it, with no session cookie.
    feed = page.context.request.get(href, headers={"Cookie": ""})
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.body())
    assert {str(event["UID"]) for event in calendar.walk("VEVENT")} == expected

    calendar_section.get_by_role("button", name="停用链接").click()
    page.wait_for_load_state("networkidle")
    expect(calendar_section.get_by_role("button", name="生成我的日历链接")).to_be_visible()
    browser.expect_failure(r"/learning/calendar/.*\.ics")
    assert page.context.request.get(href).status == 404
