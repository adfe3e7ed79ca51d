"""A real browser against the real site: Playwright driving Debian's Chromium.

Every test gets a page at phone width and at desktop width. Console errors,
uncaught page errors and failed requests fail the test, and so does any breach
of the Content-Security-Policy, whatever the journey expects; a failing test
leaves its screenshot and the console output in test-artifacts/browser/.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import path
from django.views.static import serve

from academy.demo import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The ORM is used from the test thread while Playwright's sync API runs its own loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not Path(CHROMIUM).exists():
        if os.environ.get("ACADEMY_REQUIRE_SERVICES"):
            raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; install Debian's chromium.")
        skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH)")
        for item in browser_items:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(django_db_serialized_rollback, transactional_db, live_server, settings):
    """The demo data, served by a live server on the test database."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


def _media(request, path):
    """Uploaded images, as a web server in front of the site would serve them."""
    return serve(request, path, document_root=django_settings.MEDIA_ROOT)


def _urlpatterns():
    from academy.urls import urlpatterns

    return [path("media/<path:path>", _media), *urlpatterns]


# The live server's URLs: the site's own, plus the uploaded files (DEBUG is off).
urlpatterns = _urlpatterns()


class BrowserSession:
    def __init__(self, page, name: str, base_url: str, viewport: str):
        self.page = page
        self.name = name
        self.base_url = base_url
        self.viewport = viewport
        self.console: list[str] = []
        self.problems: list[str] = []
        self.expected_failures: list[re.Pattern] = []
        self.downloads: set[str] = set()
        self.aborted: list[str] = []
        self.policies: set[str] = set()
        page.on("console", self._on_console)
        page.on("download", lambda download: self.downloads.add(download.url))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message):
        self.console.append(f"[{message.type}] {message.text}")
        if CSP_VIOLATION.search(message.text):
            # Never an expected failure: the site must run within its policy.
            self.problems.append(f"CSP violation: {message.text}")
        elif message.type == "error" and not self._expected(message.text):
            self.problems.append(f"console error: {message.text}")

    def _on_request_failed(self, request):
        if self._expected(request.url) or request.url.startswith("data:"):
            return
        if request.failure == "net::ERR_ABORTED" and request.is_navigation_request():
            # A link to a file: Chromium aborts the navigation and downloads it instead.
            self.aborted.append(request.url)
            return
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def all_problems(self) -> list[str]:
        """Console errors, failed requests and HTTP errors; an aborted navigation
        counts unless it became a download."""
        aborted = [url for url in self.aborted if url not in self.downloads]
        return self.problems + [f"navigation aborted: {url}" for url in aborted]

    def _on_response(self, response):
        if response.request.resource_type == "document":
            policy = response.headers.get("content-security-policy")
            if policy:
                self.policies.add(policy)
        if response.status >= 400 and not self._expected(response.url):
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def _expected(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.expected_failures)

    def expect_failure(self, pattern: str):
        """Allow a request or console message the journey provokes on purpose."""
        self.expected_failures.append(re.compile(pattern))

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        self.page.wait_for_load_state("networkidle")
        return response

    def log_in(self, email: str, password: str = DEMO_PASSWORD):
        self.goto("/accounts/login/")
        self.page.locator("#id_username").fill(email)
        self.page.locator("#id_password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in self.page.url, f"could not log in as {email}"

    def switch_language(self, name: str):
        """Press a button of the language switcher in the page header."""
        switcher = self.page.locator(".language-switcher")
        with self.page.expect_navigation():
            switcher.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, label: str) -> Path:
        path = ARTIFACTS / self.name / f"{label}-{self.viewport}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_fits_the_screen(self):
        """No horizontal scrolling, and no two pieces of text drawn over each other."""
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"page scrolls horizontally by {overflow}px at {self.viewport}"
        overlaps = self.page.evaluate(OVERLAP_SCRIPT)
        assert not overlaps, f"overlapping text at {self.viewport}: {overlaps[:5]}"


# What Chromium logs when the Content-Security-Policy blocks something, and what
# REPORT_CSP_VIOLATIONS logs for each securitypolicyviolation event.
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to")
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || 'inline code'} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


# Text-bearing elements whose boxes intersect, other than an element and its ancestor.
OVERLAP_SCRIPT = """
() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    // Also skips what is not rendered, such as the body of a closed <details>.
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const hidden = '.visually-hidden, .skip-link, [aria-hidden="true"], script, style, template';
    if (element.closest(hidden)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue;
      boxes.push({element, rect, text: node.textContent.trim().slice(0, 30)});
    }
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.element === b.element) continue;
      const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (x > 2 && y > 2) overlaps.push(`${a.text} / ${b.text}`);
    }
  }
  return overlaps;
}
"""


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def visit(request, browser, demo_site, viewport):
    """Open browser sessions; any console error or failed request fails the test."""
    contexts = []
    sessions = []

    def open_session(label: str = "main", language: str = "") -> BrowserSession:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True
        )
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        if language:
            context.add_cookies(
                [{"name": "academy_language", "value": language, "url": demo_site.url}]
            )
        contexts.append(context)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        session = BrowserSession(context.new_page(), name, demo_site.url, viewport)
        session.label = label
        sessions.append(session)
        return session

    yield open_session

    failed = getattr(request.node, "report_call", None) is not None and (
        request.node.report_call.failed
    )
    for session in sessions:
        if failed:
            folder = ARTIFACTS / session.name
            folder.mkdir(parents=True, exist_ok=True)
            try:
                session.page.screenshot(
                    path=str(folder / f"failure-{session.label}-{viewport}.png"), full_page=True
                )
            except Exception as error:  # the page may be gone
                session.console.append(f"(no screenshot: {error})")
            (folder / f"console-{session.label}-{viewport}.log").write_text(
                "\n".join(session.console + ["", "problems:"] + session.all_problems())
            )
            print(f"\n--- browser console ({session.label}, {viewport}) ---")
            print("\n".join(session.console[-50:]))
            print(f"--- problems: {json.dumps(session.all_problems(), ensure_ascii=False)}")
    for context in contexts:
        context.close()
    problems = [problem for session in sessions for problem in session.all_problems()]
    if sessions and not failed:
        policies = [policy for session in sessions for policy in session.policies]
        assert policies, "no page carried a Content-Security-Policy header"
    if not failed:
        assert not problems, "browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def classroom(demo_site):
    """The trainer's demo course with a session that started this morning and three
    trainees enrolled: 张三, 李四 and 王五."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import CoursePage
    from enrollments.models import Enrollment
    from enrollments.services.enrollment import enrollment_enrol
    from tests.academy import factories

    course = CoursePage.objects.get(slug="casework-basics")
    session, *later = course.sessions.order_by("starts_at")
    now = timezone.now()
    session.starts_at = now - timedelta(minutes=10)
    session.ends_at = now + timedelta(hours=3)
    session.save(update_fields=["starts_at", "ends_at"])
    enrollments = [
        enrollment_enrol(
            user=factories.trainee(
                full_name=name, username=f"classroom{number}", phone=f"1370000000{number}"
            ),
            course=course,
            source=Enrollment.Source.ADMIN,
        )
        for number, name in enumerate(("张三", "李四", "王五"))
    ]
    return {"course": course, "session": session, "later": later, "enrollments": enrollments}
