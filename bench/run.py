"""The benchmark behind ``make bench``: one run, one JSON document.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/run.py

It builds its own databases on DATABASE_URL's server (dropped and created again on
every run): ``academy_bench_small`` at the small scale and ``academy_bench`` (or
``BENCH_DATABASE``) at the default scale, or at the small scale too with
``BENCH_SCALE=small``. ``BENCH_REUSE=1`` keeps a main database that already holds
scale data instead of building it again. See docs/benchmarks.md for the figures.
"""

import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "results.json"
CONCURRENCY = 20
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "500"))
PAGE_ITERATIONS = os.environ.get("BENCH_PAGE_ITERATIONS", "200")
STEP_TIMEOUT = 3600
PROCESSES: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def database_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def admin_connect(base: str):
    import psycopg

    return psycopg.connect(database_url(base, "postgres"), autocommit=True)


def database_recreate(base: str, name: str) -> None:
    from psycopg import sql

    with admin_connect(base) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(base: str, name: str) -> None:
    from psycopg import sql

    with admin_connect(base) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def database_has_scale_data(base: str, name: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url(base, name)) as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM academy_user WHERE username LIKE 'scale-%')"
            ).fetchone()
            return bool(row[0])
    except psycopg.Error:
        return False


def environment(url: str, media: str, static: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        SECRET_KEY="benchmark-only-secret-key-not-for-production-use-0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        BASE_URL="https://academy.example",
        DEFAULT_FROM_EMAIL="academy@academy.example",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        MEDIA_ROOT=media,
        PRIVATE_MEDIA_ROOT=f"{media}-private",
        STATIC_ROOT=static,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    return env


def run(args: list[str], env: dict, timeout: float = STEP_TIMEOUT) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_json(args: list[str], env: dict, timeout: float = STEP_TIMEOUT) -> dict:
    return json.loads(run(args, env, timeout).strip().splitlines()[-1])


def measure(env: dict, *args: str, timeout: float = STEP_TIMEOUT) -> dict:
    return run_json([PYTHON, "bench/measure.py", *args], env, timeout)


def start(args: list[str], env: dict, log_file) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
        args, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    PROCESSES.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    if process in PROCESSES:
        PROCESSES.remove(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(port: int, path: str, seconds: float = 60) -> None:
    import http.client

    deadline = time.time() + seconds
    while time.time() < deadline:
        with suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {path} within {seconds} s")


def build(base: str, name: str, scale: str, reuse: bool, media: str, static: str) -> dict:
    url = database_url(base, name)
    env = environment(url, media, static)
    if reuse and database_has_scale_data(base, name):
        log(f"{name}: reusing the scale data already there")
        return {"database": name, "reused": True}
    log(f"{name}: creating the database and migrating")
    database_recreate(base, name)
    started = time.perf_counter()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    migrate_seconds = time.perf_counter() - started
    log(f"{name}: building the {scale} scale")
    seed = run_json(
        [PYTHON, "manage.py", "seed_scale", "--json", *(["--small"] if scale == "small" else [])],
        env,
    )
    log(f"{name}: built in {seed['seconds']} s")
    return {
        "database": name,
        "reused": False,
        "migrate_seconds": round(migrate_seconds, 1),
        "seed": seed,
    }


def load_test(env: dict) -> dict:
    session = measure(env, "session")
    port = free_port()
    workers = 2 * (os.cpu_count() or 1)
    with tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log") as server_log:
        server = start(
            [
                GUNICORN,
                "academy.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                "--timeout",
                "60",
            ],
            env,
            server_log,
        )
        try:
            wait_for_http(port, "/health/")
            results = {"workers": workers, "concurrency": CONCURRENCY}
            pages = [("trivial", "/health/", "")] + [
                (name, session["urls"][name], session["cookie"])
                for name in ("catalogue", "course", "lesson", "dashboard")
            ]
            if "standard" in session["urls"]:
                pages.append(("standard", session["urls"]["standard"], session["cookie"]))
            for name, path, cookie in pages:
                log(f"load: {name} {path}")
                results[name] = run_json(
                    [
                        PYTHON,
                        "bench/loadgen.py",
                        str(port),
                        path,
                        "--cookie",
                        cookie,
                        "--concurrency",
                        str(CONCURRENCY),
                        "--seconds",
                        str(LOAD_SECONDS),
                    ],
                    env,
                    timeout=LOAD_SECONDS + 180,
                )
        finally:
            stop(server)
    trivial = results["trivial"]["rps"] or 0
    for name in ("catalogue", "course", "lesson", "dashboard", "standard"):
        if name not in results:
            continue
        results[f"{name}_to_trivial_rps"] = (
            round(results[name]["rps"] / trivial, 3) if trivial else None
        )
    return results


def exports(env: dict, total_rows: int) -> dict:
    results = {}
    for rows in (total_rows // 10, total_rows):
        runs = {}
        for export_format in ("copy", "csv", "xlsx"):
            log(f"export: {rows} rows as {export_format}")
            runs[export_format] = measure(env, "export", str(rows), export_format)
        copy_rate = runs["copy"]["rows_per_second"]
        for export_format in ("csv", "xlsx"):
            runs[f"{export_format}_to_copy_rows_per_second"] = (
                round(runs[export_format]["rows_per_second"] / copy_rate, 3) if copy_rate else None
            )
        results[str(rows)] = runs
    small, large = (results[str(rows)] for rows in (total_rows // 10, total_rows))
    for export_format in ("csv", "xlsx", "copy"):
        results[f"{export_format}_peak_growth_mib"] = round(
            large[export_format]["peak_rss_mib"] - small[export_format]["peak_rss_mib"], 1
        )
    return results


def certificates_end_to_end(env: dict, worker_class: str | None) -> dict:
    """Queue certificates for completed enrolments, run one burst worker until the queue
    is empty, and count what was issued; the clock starts when the first is queued."""
    with tempfile.NamedTemporaryFile("w+", suffix=".json") as ids_file:
        log(f"certificates: queueing {CERTIFICATES} ({worker_class or 'default worker'})")
        queued = measure(env, "certificates-enqueue", str(CERTIFICATES), ids_file.name)
        extra = ["--worker-class", worker_class] if worker_class else []
        # The clock runs from the first request queued, worker start-up included.
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryFile("w+") as worker_log:
            worker = start(
                [PYTHON, "manage.py", "rqworker", "certificates", "--burst", *extra],
                env,
                worker_log,
            )
            try:
                worker.wait(timeout=max(600, CERTIFICATES * 3))
            finally:
                stop(worker)
            finished = time.time()
        # Only the worker (and its work horses) ended in between: its own CPU time.
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        check = measure(env, "certificates-check", ids_file.name)
    worker_cpu = sum(
        getattr(children_after, field) - getattr(children_before, field)
        for field in ("ru_utime", "ru_stime")
    )
    elapsed = finished - queued["started_at"]
    return {
        "worker_class": worker_class
        or "academy.worker.SimpleWorker (the default: no fork per job)",
        "requested": queued["requested"],
        "issued": check["issued"],
        "by_status": check["by_status"],
        "duplicated_serials": check["duplicated_serials"],
        "distinct_serials": check["distinct_serials"],
        "seconds": round(elapsed, 1),
        "per_minute": round(check["issued"] / elapsed * 60, 1) if elapsed else None,
        "steady_per_minute": check["steady_per_minute"],
        "worker_cpu_seconds": round(worker_cpu, 1),
        "worker_cpu_ms_per_certificate": (
            round(worker_cpu / check["issued"] * 1000, 1) if check["issued"] else None
        ),
        "load_average_after": os.getloadavg(),
        "workers": 1,
    }


def certificates(env: dict) -> dict:
    render = measure(env, "render")
    return {
        "render_seconds_per_certificate": render["seconds_per_certificate"],
        "render_per_minute": round(60 / render["seconds_per_certificate"], 1),
        "end_to_end": certificates_end_to_end(env, None),
        **(
            {"end_to_end_forking_worker": certificates_end_to_end(env, "academy.worker.Worker")}
            if os.environ.get("BENCH_FORKING_WORKER") != "0"
            else {}
        ),
    }


def machine() -> dict:
    model = ""
    with suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with suppress(OSError), open("/proc/meminfo") as meminfo:
        memory = f"{round(int(meminfo.readline().split()[1]) / 2**20, 1)} GiB"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory": memory,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


# What BENCH_ONLY can run alone, on the main database.
PARTS = {
    "exams": lambda env: run_json([PYTHON, "bench/exams.py"], env),
    "load": load_test,
    "certificates": certificates,
}


def main() -> dict:
    base = os.environ.get("DATABASE_URL", "")
    if urlparse(base).scheme not in {"postgres", "postgresql"}:
        raise SystemExit("make bench needs DATABASE_URL=postgres://... (its server is used).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("make bench needs REDIS_URL=redis://... for the cache and the jobs.")
    scale = os.environ.get("BENCH_SCALE", "default")
    main_name = os.environ.get("BENCH_DATABASE", "academy_bench")
    small_name = f"{main_name}_small"
    reuse = os.environ.get("BENCH_REUSE") == "1"
    media = tempfile.mkdtemp(prefix="bench-media-")
    static = str(ROOT / "static_collected")
    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scale": scale,
    }
    only = os.environ.get("BENCH_ONLY", "")
    try:
        if only in PARTS:
            report["build"] = build(base, main_name, scale, reuse, media, static)
            env = environment(database_url(base, main_name), media, static)
            run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
            report[only] = PARTS[only](env)
            return report
        small_env = environment(database_url(base, small_name), media, static)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], small_env)
        report["build_small"] = build(base, small_name, "small", False, media, static)
        log("queries per page at the small scale")
        small_queries = measure(small_env, "queries")
        log("the statistics page at the small scale")
        small_statistics = measure(small_env, "statistics")
        database_drop(base, small_name)
        report["build"] = build(base, main_name, scale, reuse, media, static)
        env = environment(database_url(base, main_name), media, static)
        log(f"queries per page at the {scale} scale")
        main_queries = measure(env, "queries")
        pages = [name for name in small_queries if name != "urls"]
        report["queries_per_page"] = {
            "small": {name: small_queries[name] for name in pages},
            scale: {name: main_queries[name] for name in pages},
            "equal": all(small_queries[name] == main_queries[name] for name in pages),
            "most": max(main_queries[name] for name in pages),
        }
        log(f"the statistics page at the {scale} scale")
        main_statistics = measure(env, "statistics")
        report["statistics_page"] = {
            "small": small_statistics,
            f"{scale} (main database)": main_statistics,
            "queries_equal": small_statistics["queries"] == main_statistics["queries"],
        }
        log("pages in-process: queries and CPU milliseconds per request")
        report["pages"] = run_json([PYTHON, "bench/pages.py", PAGE_ITERATIONS], env)
        report["load"] = load_test(env)
        log("exams: answers saved under load and marking")
        report["exams"] = PARTS["exams"](env)
        report["database_size"] = measure(env, "dbsize")
        report["exports"] = exports(env, report["database_size"]["attendance_rows"])
        report["certificates"] = certificates(env)
    finally:
        for process in list(PROCESSES):
            stop(process)
        shutil.rmtree(media, ignore_errors=True)
        with suppress(Exception):
            database_drop(base, small_name)
    return report


if __name__ == "__main__":
    result = main()
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    RESULTS.write_text(text + "\n")
    print(text)
