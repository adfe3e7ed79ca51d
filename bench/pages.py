"""The pages' cost in-process: queries and CPU milliseconds per request.

    .venv/bin/python bench/pages.py [ITERATIONS]

Signed in as the benchmark trainee (the one ``bench/measure.py`` uses), it requests the
catalogue, a course page, a lesson page, the dashboard and a standard page with Django's
test client, in this process: each page a few times to warm the caches, then
``ITERATIONS`` times (default 200) in a row. ``cpu_ms`` is this process's CPU time per
request (``time.process_time``: Python, not PostgreSQL or Redis), ``wall_ms`` the median
request as the client sees it. It prints one JSON document on its last line.

``BENCH_CODE_ROOT`` points it at another checkout of the project (with its own
``.venv``) to measure older code on a database built by that checkout's
``seed_scale``: only models and URL names both versions have are used.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

CODE_ROOT = Path(os.environ.get("BENCH_CODE_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(CODE_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

WARM_UP = 5
STANDARD_PAGE_SLUG = "bench-standard-page"


def bench_enrollment():
    from enrollments.models import Enrollment

    return (
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE,
            course__slug="course-0001",
            user__username__startswith="scale-trainee-",
        )
        .select_related("user", "course")
        .order_by("pk")
        .first()
    )


def standard_page_url() -> str:
    """A plain page of the project, made under the home page on the first run."""
    from cms_pages.models import HomePage, StandardPage

    page = StandardPage.objects.filter(slug=STANDARD_PAGE_SLUG).first()
    if page is None:
        home = HomePage.objects.order_by("depth", "path").first()
        page = home.add_child(
            instance=StandardPage(
                title="关于学院",
                slug=STANDARD_PAGE_SLUG,
                body="<p>学院面向一线社工与志愿者开展培训。</p>" * 20,
            )
        )
        page.save_revision().publish()
    return page.url


def bench_urls(enrollment) -> dict[str, str]:
    from courses.models import CourseCatalogPage, LessonPage

    course = enrollment.course
    lesson = LessonPage.objects.live().child_of(course).order_by("path")[1]
    return {
        "catalogue": CourseCatalogPage.objects.get().url,
        "course": course.url,
        "lesson": lesson.url,
        "dashboard": reverse("enrollments:dashboard"),
        "standard": standard_page_url(),
    }


def measure_page(client: Client, url: str, iterations: int) -> dict:
    for _warm in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            executed.append(sql) or execute(sql, params, many, context)
        )
    ):
        client.get(url)
    walls = []
    cpu_started = time.process_time()
    for _request in range(iterations):
        started = time.perf_counter()
        client.get(url)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    return {
        "queries": len(executed),
        "cpu_ms": round(cpu / iterations * 1000, 2),
        "wall_ms": round(statistics.median(walls) * 1000, 2),
    }


def pages(iterations: int) -> dict:
    enrollment = bench_enrollment()
    urls = bench_urls(enrollment)
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(enrollment.user)
    results: dict = {"iterations": iterations, "code": str(CODE_ROOT), "urls": urls}
    for name, url in urls.items():
        results[name] = measure_page(signed_in, url, iterations)
        if name != "dashboard":
            results[f"{name}_anonymous"] = measure_page(anonymous, url, iterations)
    return results


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(json.dumps(pages(count), ensure_ascii=False))
