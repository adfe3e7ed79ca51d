"""The attendance exports alone, side by side with PostgreSQL's COPY, in a few minutes.

    DATABASE_URL=postgres://... .venv/bin/python bench/exports.py [ROWS]

Builds ``academy_bench_exports`` on DATABASE_URL's server (dropped and created again;
``BENCH_REUSE=1`` keeps one that holds the rows already) with ROWS attendance marks
(1,000,000 by default) written by COPY, then measures, each in its own process as in
``make bench``: ``copy`` (a plain ``COPY`` of the export's query), ``csv`` and ``xlsx``
(the export code the admin and the job use) at a tenth of the rows and at all of them,
with the peak memory of each. On a shared machine the load changes from one run to the
next: ``copy`` and ``csv`` run in turn ``BENCH_EXPORT_REPEAT`` times (3 by default) and
the fastest of each counts; ``xlsx`` runs once. Prints one JSON document, also in
``bench/exports-results.json``.
"""

import json
import os
import sys
import tempfile

import psycopg
from run import (
    PYTHON,
    ROOT,
    database_recreate,
    database_url,
    environment,
    log,
    measure,
    run,
)

NAME = "academy_bench_exports"
REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", "3"))


def fastest(runs: list[dict]) -> dict:
    best = max(runs, key=lambda run: run["rows_per_second"] or 0)
    return {**best, "runs_rows_per_second": [run["rows_per_second"] for run in runs]}


def exports(env: dict, total_rows: int) -> dict:
    results: dict = {}
    for rows in (total_rows // 10, total_rows):
        runs: dict[str, list[dict]] = {"copy": [], "csv": []}
        for attempt in range(REPEAT):
            for export_format in ("copy", "csv"):
                log(f"export: {rows} rows as {export_format} ({attempt + 1} of {REPEAT})")
                runs[export_format].append(measure(env, "export", str(rows), export_format))
        figures = {export_format: fastest(found) for export_format, found in runs.items()}
        log(f"export: {rows} rows as xlsx")
        figures["xlsx"] = measure(env, "export", str(rows), "xlsx")
        copy_rate = figures["copy"]["rows_per_second"]
        for export_format in ("csv", "xlsx"):
            figures[f"{export_format}_to_copy_rows_per_second"] = (
                round(figures[export_format]["rows_per_second"] / copy_rate, 3)
                if copy_rate
                else None
            )
        results[str(rows)] = figures
    small, large = (results[str(rows)] for rows in (total_rows // 10, total_rows))
    for export_format in ("csv", "xlsx", "copy"):
        results[f"{export_format}_peak_growth_mib"] = round(
            large[export_format]["peak_rss_mib"] - small[export_format]["peak_rss_mib"], 1
        )
    return results


def rows_present(url: str) -> int:
    try:
        with psycopg.connect(url) as connection:
            return connection.execute("SELECT count(*) FROM enrollments_attendance").fetchone()[0]
    except psycopg.Error:
        return 0


def main(rows: int) -> dict:
    base = os.environ["DATABASE_URL"]
    url = database_url(base, NAME)
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = environment(url, media, str(ROOT / "static_collected"))
    report: dict = {"rows": rows}
    if os.environ.get("BENCH_REUSE") == "1" and rows_present(url) == rows:
        log(f"reusing {NAME} with {rows} attendance rows")
    else:
        database_recreate(base, NAME)
        log("migrating")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        log(f"writing {rows} attendance rows")
        report["seed"] = measure(env, "exports-seed", str(rows))
    report["exports"] = exports(env, rows)
    return report


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    (ROOT / "bench" / "exports-results.json").write_text(text + "\n")
    print(text)
