"""An administrator reads the year in figures on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect


@pytest.mark.parametrize("viewport", ["phone"])
def test_administrator_reads_the_statistics_on_a_phone(visit, viewport):
    admin = visit("administrator", language="en")
    page = admin.page
    admin.log_in("admin@academy.example")
    admin.goto(reverse("statistics_admin:index"))
    expect(page.get_by_role("heading", name="Training statistics")).to_be_visible()
    headlines = page.locator(".stats-headline")
    expect(headlines.first).to_be_visible()
    assert headlines.count() == 12
    charts = page.locator("svg.stats-chart__svg")
    assert charts.count() == 3
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box is not None and 0 < box["width"] <= 390
    expect(page.get_by_role("img", name="Person-times by month")).to_be_visible()
    # Wide tables scroll inside their own box; the page itself does not.
    courses = page.locator(".stats-table-scroll").nth(2)
    assert courses.evaluate("element => element.scrollWidth > element.clientWidth")
    admin.assert_fits_the_screen()
    admin.screenshot("statistics")
    charts.first.scroll_into_view_if_needed()
    admin.screenshot("statistics-charts")
    courses.scroll_into_view_if_needed()
    admin.screenshot("statistics-tables")

    page.locator("select[name=kind]").select_option("custom")
    page.locator("input[name=date_from]").fill("2026-03-10")
    page.locator("input[name=date_to]").fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The period must end on or after its first day.")).to_be_visible()
