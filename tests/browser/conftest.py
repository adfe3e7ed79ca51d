"""A real browser against the real site: Playwright driving Debian's Chromium.

Every test gets a page at phone width and at desktop width. Console errors,
uncaught page errors and failed requests fail the test; a failing test leaves
its screenshot and the console output in test-artifacts/browser/.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

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
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


class BrowserSession:
    def __init__(self, page, name: str, base_url: str, viewport: str):
        self.page = page
        self.name = name
        self.base_url = base_url
        self.viewport = viewport
        self.console: list[str] = []
        self.problems: list[str] = []
        self.expected_failures: list[re.Pattern] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message):
        self.console.append(f"[{message.type}] {message.text}")
        if message.type == "error" and not self._expected(message.text):
            self.problems.append(f"console error: {message.text}")

    def _on_request_failed(self, request):
        if not self._expected(request.url) and not request.url.startswith("data:"):
            self.problems.append(
                f"request failed: {request.method} {request.url} {request.failure}"
            )

    def _on_response(self, response):
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

    def open_session(label: str = "main") -> BrowserSession:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True
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
                "\n".join(session.console + ["", "problems:"] + session.problems)
            )
            print(f"\n--- browser console ({session.label}, {viewport}) ---")
            print("\n".join(session.console[-50:]))
            print(f"--- problems: {json.dumps(session.problems, ensure_ascii=False)}")
    for context in contexts:
        context.close()
    problems = [problem for session in sessions for problem in session.problems]
    if not failed:
        assert not problems, "browser reported problems:\n" + "\n".join(problems)
