"""A newcomer's whole journey, and the language switcher on every page of it.

Register, find a newcomer course in the catalogue, enrol, study its lessons,
check in to a classroom session with the code from the trainer's check-in
screen, complete the course, download the certificate and open the
verification page the certificate's QR code points to. On every page the
language switcher turns the page into English and back into Chinese.
"""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from academy.models import Organization
from courses.models import CoursePage, LessonPage
from enrollments.models import Attendance, Certificate, Enrollment

COURSE_SLUG = "casework-basics"
COURSE_TITLE = "个案工作入门"
TRAINEE_EMAIL = "xiaoyan@example.com"


@pytest.fixture
def newcomer_course(demo_site):
    """The demo newcomer course, made doable in a test: lessons need no minimum study
    time, and its first classroom session started five minutes ago, so check-in is open."""
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    LessonPage.objects.child_of(course).update(min_study_minutes=0)
    first, *later = course.sessions.order_by("starts_at")
    now = timezone.now()
    first.starts_at = now - timedelta(minutes=5)
    first.ends_at = now + timedelta(hours=3)
    first.save(update_fields=["starts_at", "ends_at"])
    # One of the two sessions attended is enough to complete.
    CoursePage.objects.filter(pk=course.pk).update(min_attendance_percent=50)
    return course, first


def in_english(browser, label: str, check_zh, check_en):
    """The page reads in Chinese; the switcher turns it into English and back again."""
    page = browser.page
    expect(check_zh(page)).to_be_visible()
    browser.assert_fits_the_screen()
    browser.screenshot(f"{label}-zh")
    browser.switch_language("English")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(check_en(page)).to_be_visible()
    browser.assert_fits_the_screen()
    browser.screenshot(f"{label}-en")
    browser.switch_language("简体中文")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    expect(check_zh(page)).to_be_visible()


def heading(text):
    return lambda page: page.get_by_role("heading", name=text, exact=True)


def button(text):
    return lambda page: page.locator("main").get_by_role("button", name=text, exact=True)


def qr_codes_in_pdf(pdf_path, folder) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "150", "-png", str(pdf_path), str(folder / "page")],  # noqa: S607
        check=True,
    )
    image = Image.open(sorted(folder.glob("page*.png"))[0])
    return [symbol.data.decode() for symbol in decode(image)]


def test_newcomer_registers_studies_checks_in_and_verifies_the_certificate(
    visit, newcomer_course, tmp_path
):
    course, session = newcomer_course
    browser = visit()
    page = browser.page

    # Home, then registration.
    browser.goto("/")
    in_english(browser, "home", heading("最新动态"), heading("Latest news"))
    page.get_by_role("link", name="注册成为学员").click()
    page.wait_for_load_state("networkidle")
    in_english(browser, "register", button("创建账号"), button("Create my account"))
    page.get_by_label("姓名").fill("欧阳晓燕")
    page.get_by_label("电子邮箱").fill(TRAINEE_EMAIL)
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("所在机构").select_option(label=Organization.objects.first().name)
    page.locator("#id_password1").fill("shegong-learning-2026")
    page.locator("#id_password2").fill("shegong-learning-2026")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url("**/learning/")
    expect(page.get_by_role("heading", name="我的学习")).to_be_visible()
    browser.goto("/accounts/profile/")
    in_english(browser, "profile", heading("个人资料"), heading("My profile"))

    # The catalogue, filtered to the newcomer track.
    page.locator(".site-nav").get_by_role("link", name="课程", exact=True).click()
    page.wait_for_load_state("networkidle")
    in_english(browser, "catalogue", button("查找课程"), button("Find courses"))
    page.locator("#catalog-track").select_option("newcomer")
    page.get_by_role("button", name="查找课程").click()
    page.wait_for_load_state("networkidle")
    results = page.locator(".course-card")
    expect(results.filter(has_text=COURSE_TITLE)).to_be_visible()
    expect(results.filter(has_text="小组工作设计与带领")).to_have_count(0)
    browser.assert_fits_the_screen()
    browser.screenshot("catalogue-newcomer")
    results.get_by_role("link", name=COURSE_TITLE).click()
    page.wait_for_load_state("networkidle")

    # The course page: enrol.
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    in_english(browser, "course", heading("课时"), heading("Lessons"))
    page.locator("#enrollment").get_by_role("button", name="报名").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#enrollment .badge--active")).to_be_visible()
    browser.assert_fits_the_screen()
    browser.screenshot("course-enrolled")
    enrollment = Enrollment.objects.get(user__email=TRAINEE_EMAIL, course=course)
    assert enrollment.status == Enrollment.Status.ACTIVE

    # Every lesson, in order, marked done.
    lesson_titles = page.locator(".lesson-list a").all_inner_texts()
    assert len(lesson_titles) == 3
    for number, title in enumerate(lesson_titles, start=1):
        page.locator(".lesson-list").get_by_role("link", name=title).click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        if number == 1:
            in_english(browser, "lesson", button("标记为已完成"), button("Mark as done"))
        page.get_by_role("button", name="标记为已完成").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#progress .badge--completed")).to_be_visible()
        browser.assert_fits_the_screen()
        browser.screenshot(f"lesson-{number}-done")
        page.locator(".breadcrumb a").click()
        page.wait_for_load_state("networkidle")
    assert enrollment.lesson_progress.filter(completed_at__isnull=False).count() == 3

    # The trainer's check-in screen shows the code the trainee types.
    trainer = visit("trainer")
    trainer.log_in("trainer@academy.example")
    trainer.goto("/attendance/")
    trainer.page.locator(".att-session", has_text=session.title).get_by_role(
        "link", name="签到屏"
    ).click()
    trainer.page.wait_for_load_state("networkidle")
    trainer.assert_fits_the_screen()
    trainer.screenshot("trainer-checkin-screen")

    browser.goto("/attendance/check-in/")
    in_english(browser, "checkin", heading("签到"), heading("Check in"))
    code = trainer.page.locator("#att-code").inner_text().strip()
    assert len(code) == 6 and code.isdigit()
    page.get_by_label("签到码").fill(code)
    page.locator("main").get_by_role("button", name="签到").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("签到成功。")).to_be_visible()
    expect(page.locator(".att-head")).to_contain_text(session.title)
    browser.assert_fits_the_screen()
    browser.screenshot("checked-in")
    attendance = Attendance.objects.get(session=session, enrollment=enrollment)
    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.method == Attendance.Method.FALLBACK_CODE

    # Completed: the dashboard lists it among finished courses.
    page.locator(".site-nav").get_by_role("link", name="我的学习").click()
    page.wait_for_load_state("networkidle")
    in_english(browser, "dashboard", heading("已结业课程"), heading("Finished courses"))
    expect(page.locator("#finished-courses")).to_contain_text(COURSE_TITLE)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED

    # The certificate, issued on completion, downloads as a PDF with a QR code.
    page.locator("#certificates").get_by_role("link", name="我的证书").click()
    page.wait_for_load_state("networkidle")
    in_english(browser, "certificates", heading("我的证书"), heading("My certificates"))
    certificate = Certificate.objects.get(enrollment=enrollment)
    card = page.locator(".certificate-list .card", has_text=COURSE_TITLE)
    expect(card).to_contain_text(certificate.serial_number)
    with page.expect_download() as download_info:
        card.get_by_role("link", name="下载 PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    (verify_url,) = qr_codes_in_pdf(pdf_path, tmp_path)
    assert verify_url.startswith(browser.base_url + "/certificates/verify/")

    # Anyone can open the QR code's address: the verification page.
    anyone = visit("anyone")
    anyone.page.goto(verify_url)
    anyone.page.wait_for_load_state("networkidle")
    expect(anyone.page.locator(".verify-result--valid")).to_be_visible()
    expect(anyone.page.locator(".verify-result")).to_contain_text(certificate.serial_number)
    expect(anyone.page.locator(".verify-result")).to_contain_text(COURSE_TITLE)
    in_english(
        anyone,
        "verification",
        lambda p: p.get_by_text("有效：此证书由本学院签发。"),
        lambda p: p.get_by_text("Valid: this certificate was issued by the academy."),
    )
