from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from academy.models import Organization
from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, LessonPage
from enrollments.models import Certificate
from tests.browser.conftest import ARTIFACTS
from tests.browser.html_checker import nu_errors, skip_without_java

PUBLIC_PATHS = ["/", "/accounts/register/", "/accounts/login/", "/news/", "/about/"]


def test_newcomer_registers_and_switches_language(visit):
    browser = visit()
    page = browser.page

    browser.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    browser.assert_fits_the_screen()
    browser.screenshot("home-zh")

    page.get_by_role("link", name="注册成为学员").click()
    page.get_by_label("姓名").fill("欧阳晓燕")
    page.get_by_label("电子邮箱").fill("xiaoyan@example.com")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("所在机构").select_option(label=Organization.objects.first().name)
    page.locator("#id_password1").fill("shegong-learning-2026")
    page.locator("#id_password2").fill("shegong-learning-2026")
    browser.assert_fits_the_screen()
    browser.screenshot("register-zh")
    page.get_by_role("button", name="创建账号").click()

    # A new trainee lands on My learning.
    page.wait_for_url("**/learning/")
    assert "欢迎您，欧阳晓燕" in page.content()
    assert page.get_by_role("heading", name="我的学习").is_visible()
    browser.assert_fits_the_screen()
    browser.screenshot("my-learning-zh")
    browser.goto("/accounts/profile/")
    browser.screenshot("profile-zh")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My profile").is_visible()
    browser.screenshot("profile-en")
    browser.goto("/")
    assert page.get_by_role("heading", name="Latest news").is_visible()
    browser.assert_fits_the_screen()


def test_registration_refusal_is_shown_in_the_page(visit):
    browser = visit()
    page = browser.page
    browser.goto("/accounts/register/")

    page.get_by_label("姓名").fill("王五")
    page.get_by_label("电子邮箱").fill("admin@academy.example")
    page.get_by_label("所在机构").select_option(index=1)
    page.locator("#id_password1").fill("12345678")
    page.locator("#id_password2").fill("12345678")
    page.get_by_role("button", name="创建账号").click()

    assert page.get_by_text("该电子邮箱已注册").is_visible()
    # The e-mail address is taken, and the password is common and all digits.
    assert page.locator(".field--error").count() == 2
    browser.assert_fits_the_screen()
    browser.screenshot("register-refused")


def public_paths() -> list[str]:
    """The fixed public pages, and one of each kind of course page and a verification."""
    catalogue = CourseCatalogPage.objects.live().first()
    curriculum = CurriculumPage.objects.live().get(slug="newcomer")
    course = CoursePage.objects.live().get(slug="casework-basics")
    lesson = LessonPage.objects.live().child_of(course).first()
    # A lesson whose Markdown has a table with aligned columns.
    with_table = LessonPage.objects.live().filter(body__contains="|:--").first()
    certificate = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
    return [
        *PUBLIC_PATHS,
        catalogue.url,
        curriculum.url,
        course.url,
        lesson.url,
        with_table.url,
        reverse("certificates:verify", args=[certificate.verification_code]),
    ]


def test_public_pages_have_no_serious_accessibility_violations(visit):
    browser = visit()
    axe = Axe()
    serious = []
    for path in public_paths():
        browser.goto(path)
        results = axe.run(browser.page)
        serious += [
            f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} "
            f"{[node['target'] for node in violation['nodes']][:3]}"
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        browser.assert_fits_the_screen()
    assert not serious, "\n".join(serious)


def test_a_breach_of_the_content_security_policy_is_reported(visit):
    """The check every journey relies on: an inline script refused by the policy is a
    problem, even when the journey said it expects failures."""
    browser = visit()
    browser.expect_failure(".*")
    browser.goto("/")
    assert browser.policies
    # django-csp joins the directives in set order, so the policy is read directive by
    # directive rather than as one string.
    for header in browser.policies:
        directives = {
            name: value
            for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
        }
        assert directives["script-src"] == "'self'", header

    browser.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    browser.page.wait_for_timeout(200)

    assert browser.page.evaluate("() => window.ran") is None
    breaches = [problem for problem in browser.all_problems() if problem.startswith("CSP")]
    assert breaches, browser.console
    browser.problems.clear()


def test_pages_pass_the_nu_html_checker(visit):
    """The public pages, a lesson with a table and the signed-in dashboard, as the browser
    holds them, checked in one run of the Nu HTML Checker: no errors (warnings allowed)."""
    skip_without_java()
    browser = visit()
    documents = {}
    for path in public_paths():
        browser.goto(path)
        documents[path] = browser.page.content()
    browser.log_in("trainee@academy.example")
    browser.goto(reverse("enrollments:dashboard"))
    browser.page.locator("#calendar").get_by_role("button").first.click()
    browser.page.wait_for_load_state("networkidle")
    assert browser.page.locator("#calendar-feed-url").is_visible()
    documents["dashboard"] = browser.page.content()
    assert any("<table" in html for html in documents.values())

    errors = nu_errors(documents, ARTIFACTS / browser.name / f"html-{browser.viewport}")

    assert not errors, "\n".join(errors)
