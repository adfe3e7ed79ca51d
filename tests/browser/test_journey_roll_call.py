"""A trainer takes the roll for a session on their phone."""

from playwright.sync_api import expect

from enrollments.models import Attendance

MARKS = {"张三": "present", "李四": "late", "王五": "absent"}
LABELS = {"present": "出勤", "late": "迟到", "absent": "缺勤"}


def test_trainer_takes_the_roll_on_a_phone(visit, classroom):
    session = classroom["session"]
    trainer = visit("trainer")
    page = trainer.page
    trainer.log_in("trainer@academy.example")

    trainer.goto("/attendance/")
    item = page.locator(".att-session", has_text=session.title)
    expect(item).to_contain_text(classroom["course"].title)
    trainer.assert_fits_the_screen()
    trainer.screenshot("sessions")
    item.get_by_role("link", name="点名", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="点名")).to_be_visible()
    trainer.assert_fits_the_screen()
    trainer.screenshot("roll-call")

    for enrollment in classroom["enrollments"]:
        status = MARKS[enrollment.user.full_name]
        row = page.locator(f"#trainee-{enrollment.pk}")
        expect(row).to_contain_text(enrollment.user.full_name)
        with page.expect_navigation():
            row.locator(f'button[name="status"][value="{status}"]').click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".messages")).to_contain_text(
            f"{enrollment.user.full_name}：{LABELS[status]}"
        )
        row = page.locator(f"#trainee-{enrollment.pk}")
        expect(row.locator(f".att-status--{status}")).to_have_text(LABELS[status])
        expect(row.locator(f'button[value="{status}"]')).to_have_attribute("aria-pressed", "true")

    expect(page.locator("main")).to_contain_text("已记录 3 / 3 名学员")
    trainer.assert_fits_the_screen()
    trainer.screenshot("roll-call-marked")
    marks = dict(
        Attendance.objects.filter(session=session).values_list(
            "enrollment__user__full_name", "status"
        )
    )
    assert marks == MARKS
    assert set(Attendance.objects.filter(session=session).values_list("method", flat=True)) == {
        Attendance.Method.ROLL_CALL
    }
