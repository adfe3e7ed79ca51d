"""Measurements that need Django, one per process so that each has its own peak memory.

    .venv/bin/python bench/measure.py queries | session | export ROWS FORMAT |
        exports-seed ROWS |
        render | certificates-enqueue COUNT | certificates-check IDS_FILE | dbsize |
        statistics

Each prints one JSON document on its last line. ``bench/run.py`` calls them with the
benchmark's settings; they are not meant to be used on a live site's database.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from enrollments.models import Attendance, Enrollment  # noqa: E402


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def current_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def bench_enrollment() -> Enrollment:
    """The same trainee at every scale: the first active scale enrolment in the first
    scale course, whose trainee is enrolled in as many courses as any other."""
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


def bench_pages() -> tuple[Enrollment, dict[str, str]]:
    from courses.models import CourseCatalogPage, LessonPage

    enrollment = bench_enrollment()
    course = enrollment.course
    lesson = LessonPage.objects.live().child_of(course).order_by("path")[1]
    from pages import standard_page_url

    return enrollment, {
        "catalogue": CourseCatalogPage.objects.get().url,
        "course": course.url,
        "lesson": lesson.url,
        "dashboard": reverse("enrollments:dashboard"),
        "standard": standard_page_url(),
    }


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm caches: site root paths, rendered Markdown, progress row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries)


def queries() -> dict:
    enrollment, pages = bench_pages()
    client = Client()
    anonymous = {
        f"{name}_anonymous": count_queries(client, url)
        for name, url in pages.items()
        if name in ("catalogue", "course")
    }
    client.force_login(enrollment.user)
    signed_in = {name: count_queries(client, url) for name, url in pages.items()}
    return {**signed_in, **anonymous, "urls": pages}


def session() -> dict:
    """A signed-in session for the benchmark trainee, as the site's session cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    enrollment, pages = bench_pages()
    user = enrollment.user
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}", "urls": pages}


def export_filters(rows: int) -> dict:
    """The export's own period filter, widened day by day until it holds ``rows`` rows
    (everything when ``rows`` is at least the whole table)."""
    from datetime import timedelta

    from django.db.models import Count
    from django.db.models.functions import TruncDate

    total = Attendance.objects.count()
    if rows >= total:
        return {}
    days = (
        Attendance.objects.annotate(day=TruncDate("session__starts_at"))
        .values("day")
        .annotate(rows=Count("pk"))
        .order_by("day")
    )
    counted = 0
    first = None
    for day in days:
        first = first or day["day"]
        counted += day["rows"]
        if counted >= rows:
            return {"date_from": first, "date_to": day["day"]}
    return {"date_from": first, "date_to": first + timedelta(days=1)}


def export(rows: int, export_format: str) -> dict:
    """One export to a temporary file: the admin's writer, or PostgreSQL's COPY of the
    same query. Peak memory is this process's maximum resident set size."""
    from enrollments.selectors.attendance import attendance_export_rows
    from enrollments.services.exports import attendance_export_file_write

    filters = export_filters(rows)
    baseline = current_rss_kib()
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        cpu_started = time.process_time()
        if export_format == "copy":
            queryset = attendance_export_rows(**filters)
            sql, params = queryset.query.get_compiler(using=connection.alias).as_sql()
            with connection.cursor() as cursor:
                raw = cursor.cursor
                statement = raw.mogrify(sql, params)
                written = 0
                with raw.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
                    for block in copy:
                        output.write(block)
                        written += bytes(block).count(b"\n")
        else:
            written = attendance_export_file_write(
                output=output, export_format=export_format, language="zh-hans", filters=filters
            )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        size = output.seek(0, os.SEEK_END)
    return {
        "format": export_format,
        "rows": written,
        "filters": {key: str(value) for key, value in filters.items()},
        "seconds": round(seconds, 2),
        "rows_per_second": round(written / seconds) if seconds else None,
        # This process's CPU only: PostgreSQL's share (all of COPY's formatting) is not in it.
        "python_cpu_seconds": round(cpu_seconds, 2),
        "bytes": size,
        "baseline_rss_mib": round(baseline / 1024, 1),
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


def exports_seed(rows: int) -> dict:
    """Attendance for the export benchmark alone: one course, ``rows`` marks over
    sessions of 1,000 trainees from 23 organisations, written with COPY."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from academy.models import Organization, TraineeProfile
    from cms_pages.demo import seed_site
    from courses.models import ClassSession, CourseCatalogPage, CoursePage, CurriculumPage
    from enrollments.scale.bulk import rows_insert

    trainees = 1000
    started = time.perf_counter()
    seed_site()
    catalog = CourseCatalogPage.objects.get()
    curriculum = CurriculumPage(title="导出基准", slug="export-bench", code="xb", track="topic")
    catalog.add_child(instance=curriculum)
    course = CoursePage(
        title="社会工作实务, 第一期",
        slug="export-bench-course",
        summary="-",
        delivery_mode="classroom",
        class_hours=Decimal("3"),
    )
    curriculum.add_child(instance=course)
    organizations = Organization.objects.bulk_create(
        Organization(name=f"第{number}社会工作服务中心", kind=Organization.Kind.values[0])
        for number in range(23)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"export-bench-{number}",
            full_name=f"学员{number}" if number % 50 else f"=学员{number}",
            phone=f"177{number:08d}",
        )
        for number in range(trainees)
    )
    TraineeProfile.objects.bulk_create(
        TraineeProfile(user=user, organization=organizations[number % 23])
        for number, user in enumerate(users)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=user, course=course, status=Enrollment.Status.ACTIVE) for user in users
    )
    first = timezone.now() - timedelta(days=(rows // trainees + 1) // 2 + 30)
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            course=course,
            title=f'第{number}讲 "个案"',
            starts_at=first + timedelta(hours=12 * number),
            ends_at=first + timedelta(hours=12 * number + 3),
            class_hours=Decimal("3"),
            place="301 室, 二楼",
        )
        for number in range((rows + trainees - 1) // trainees)
    )
    statuses = ["present"] * 8 + ["late", "absent"]

    def marks():
        for index in range(rows):
            session = sessions[index // trainees]
            enrollment = enrollments[index % trainees]
            status = statuses[index % 10]
            yield (
                session.pk,
                enrollment.pk,
                status,
                "qr_code" if index % 3 else "roll_call",
                session.starts_at + timedelta(minutes=index % 25) if status != "absent" else None,
                Decimal("0") if status == "absent" else Decimal("3.0"),
                None,
                session.ends_at,
            )

    columns = ["session_id", "enrollment_id", "status", "method", "checked_in_at"]
    columns += ["hours_credited", "marked_by_id", "updated_at"]
    written = rows_insert(Attendance, columns, marks())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"attendance_rows": written, "seconds": round(time.perf_counter() - started, 1)}


def certificate_render_seconds(*, count: int) -> float:
    """Average seconds to draw one certificate PDF."""
    from academy.pdf_fonts import cjk_font_name
    from enrollments.documents.certificate import (
        CertificateDesign,
        render_certificate,
        sample_certificate_content,
    )

    design = CertificateDesign(title="结业证书", body="{name} 完成《{course}》{hours} 学时。")
    cjk_font_name()
    started = time.perf_counter()
    for number in range(count):
        render_certificate(sample_certificate_content(f"GC-2026-N-{number:05d}"), design)
    return (time.perf_counter() - started) / count


def render() -> dict:
    certificate_render_seconds(count=2)  # fonts loaded, code warm
    seconds = certificate_render_seconds(count=50)
    return {"seconds_per_certificate": round(seconds, 4), "count": 50}


def certificates_enqueue(count: int, ids_file: str) -> dict:
    """Queue certificates for ``count`` completed enrolments that have none yet."""
    import django_rq

    from enrollments.services.certificates.issuing import certificate_request

    django_rq.get_queue("certificates").empty()
    ids = list(
        Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED, certificate__isnull=True
        ).values_list("pk", flat=True)[:count]
    )
    started = time.time()
    for enrollment_id in ids:
        certificate_request(enrollment_id=enrollment_id)
    Path(ids_file).write_text(json.dumps(ids))
    return {"requested": len(ids), "started_at": started, "enqueue_seconds": time.time() - started}


def certificates_check(ids_file: str) -> dict:
    from django.db.models import Count, Max, Min

    from enrollments.models import Certificate

    ids = json.loads(Path(ids_file).read_text())
    certificates = Certificate.objects.filter(enrollment_id__in=ids)
    by_status = dict(certificates.values_list("status").annotate(n=Count("pk")).order_by())
    span = certificates.filter(status=Certificate.Status.ISSUED).aggregate(
        first=Min("issued_at"), last=Max("issued_at")
    )
    steady = None
    issued = by_status.get(Certificate.Status.ISSUED, 0)
    if issued > 1 and span["last"] > span["first"]:
        steady = (issued - 1) / (span["last"] - span["first"]).total_seconds() * 60
    serials = certificates.exclude(serial_number=None).order_by().values("serial_number")
    duplicated = serials.annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "by_status": by_status,
        "issued": issued,
        "duplicated_serials": duplicated,
        "distinct_serials": serials.distinct().count(),
        "steady_per_minute": round(steady, 1) if steady else None,
    }


def dbsize() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' "
            "ORDER BY 2 DESC LIMIT 8"
        )
        tables = {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}
    return {
        "database_mib": round(total / 2**20, 1),
        "largest_tables_mib": tables,
        "attendance_rows": Attendance.objects.count(),
    }


def statistics() -> dict:
    """The administrator's statistics page for the last twelve whole months: the time to
    rebuild the monthly figures it reads, then its query count and the time of one request
    (the median of five, after one to warm up) reading them, and reading the records (as a
    trainer's page, a period that cuts a month or figures older than their maximum age do)."""
    from statistics import median

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from enrollments.models import StatisticsRollup
    from enrollments.selectors.statistics import (
        StatisticsPeriod,
        _add_months,
        _month_end,
        statistics_report,
    )
    from enrollments.services.statistics import statistics_rollup_refresh

    admin, _created = get_user_model().objects.get_or_create(
        username="bench-statistics-admin",
        defaults={"full_name": "统计", "is_superuser": True, "is_staff": True},
    )
    today = timezone.localdate()
    period = StatisticsPeriod(_add_months(today.replace(day=1), -11), _month_end(today))
    query = {
        "kind": "custom",
        "date_from": period.first_day.isoformat(),
        "date_to": period.last_day.isoformat(),
    }
    client = Client()
    client.force_login(admin)
    url = reverse("statistics_admin:index")

    def page() -> dict:
        client.get(url, query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        count = len(captured)  # before the next request resets the connection's query log
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        seconds = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(url, query)
            seconds.append(time.perf_counter() - started)
        return {"queries": count, "seconds": round(median(seconds), 3)}

    started = time.perf_counter()
    rows = statistics_rollup_refresh()
    refresh_seconds = time.perf_counter() - started
    kept = page()
    figures = statistics_report(user=admin, period=period)
    if figures.as_of is None:
        raise SystemExit("the report did not read the monthly figures it was given")
    StatisticsRollup.objects.all().delete()
    from_records = page()
    counted = statistics_report(user=admin, period=period).current
    if counted.person_times != figures.current.person_times:
        raise SystemExit("the monthly figures and the records disagree")
    statistics_rollup_refresh()
    return {
        "period": f"{period.first_day} to {period.last_day}",
        "refresh_seconds": round(refresh_seconds, 2),
        "monthly_rows": rows,
        "queries": kept["queries"],
        "seconds": kept["seconds"],
        "from_records": from_records,
        "person_times": figures.current.person_times,
        "class_hours": float(figures.current.class_hours),
    }


COMMANDS = {
    "queries": queries,
    "session": session,
    "export": lambda rows, export_format: export(int(rows), export_format),
    "exports-seed": lambda rows: exports_seed(int(rows)),
    "render": render,
    "certificates-enqueue": lambda count, ids_file: certificates_enqueue(int(count), ids_file),
    "certificates-check": certificates_check,
    "dbsize": dbsize,
    "statistics": statistics,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:]), default=str))
