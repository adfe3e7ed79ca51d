"""Exams under load: answers saved per second by 50 trainees taking one mock exam at once,
and the time to mark 1,000 submitted attempts.

    .venv/bin/python bench/exams.py [--trainees 50] [--seconds 20] [--attempts 1000]

Run with the production settings on a database built by ``seed_scale`` (``make bench``
does). It loads the demo bank of 社会工作综合能力（初级） into a bank of its own, builds
a mock exam to the national structure (60 single and 20 multiple choice), enrols
trainees of its own and starts their attempts through the services. Then:

- ``answers_paced`` and ``answers_flat_out``: gunicorn (2 sync workers per core) serves
  the site; each trainee posts its next answer as the exam page's script does (JSON,
  CSRF header, its own session) for ``--seconds``: one answer every ``--pace`` seconds
  (default 1, far quicker than anyone reads a question), then with no pause at all
  (the server's ceiling): answers saved per second and the latency percentiles.
- ``marking``: ``--attempts`` attempts with every question answered are submitted one
  after the other with ``exam_attempt_submit`` in this process (objective marking, the
  wrong-answer book, the result): seconds in all, per attempt, and queries per attempt.

It removes what it made before it ends and prints one JSON document on its last line.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from academy.models import User  # noqa: E402
from courses.demo.exams import demo_question_rows  # noqa: E402
from courses.exam_blueprints import exam_sections_from_paper  # noqa: E402
from courses.models import CoursePage, Exam, NationalPaper, QuestionBank  # noqa: E402
from courses.question_files import question_rows_import  # noqa: E402
from enrollments.models import (  # noqa: E402
    AttemptQuestion,
    Enrollment,
    ExamAttempt,
    Notification,
    WrongAnswer,
)
from enrollments.services.exams import exam_attempt_start, exam_attempt_submit  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from loadgen import percentile  # noqa: E402

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PREFIX = "bench-exam-"
BANK_NAME = "基准测试题库（社会工作综合能力）"
DEMO_FILE = "comprehensive_assistant.csv"


def log(message: str) -> None:
    print(f"[bench/exams] {message}", file=sys.stderr, flush=True)


def exam_build() -> Exam:
    paper = NationalPaper.objects.get(subject="comprehensive", level="assistant")
    bank = QuestionBank.objects.create(name=BANK_NAME, paper=paper)
    headers, rows = demo_question_rows(DEMO_FILE)
    question_rows_import(bank=bank, headers=headers, rows=rows)
    course = CoursePage.objects.live().order_by("pk").first()
    exam = Exam.objects.create(
        course=course,
        title=f"{paper.name}基准测试模拟考试",
        bank=bank,
        paper=paper,
        time_limit_minutes=paper.duration_minutes,
        is_published=True,
    )
    exam_sections_from_paper(exam=exam, paper=paper)
    return exam


def trainees_build(exam: Exam, count: int, start: int = 0) -> list[User]:
    users = User.objects.bulk_create(
        [
            User(username=f"{PREFIX}{index}", email=f"{PREFIX}{index}@academy.example")
            for index in range(start, start + count)
        ]
    )
    users = list(User.objects.filter(username__in=[user.username for user in users]))
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                course_id=exam.course_id,
                status=Enrollment.Status.ACTIVE,
                source=Enrollment.Source.ADMIN,
            )
            for user in users
        ]
    )
    return users


def cleanup() -> None:
    users = User.objects.filter(username__startswith=PREFIX)
    banks = QuestionBank.objects.filter(name=BANK_NAME)
    exams = Exam.objects.filter(bank__in=banks)
    with transaction.atomic():
        Notification.objects.filter(recipient__in=users).delete()
        WrongAnswer.objects.filter(user__in=users).delete()
        AttemptQuestion.objects.filter(attempt__exam__in=exams).delete()
        ExamAttempt.objects.filter(exam__in=exams).delete()
        Enrollment.objects.filter(user__in=users).delete()
        users.delete()
        for exam in exams:
            exam.delete()
        for bank in banks:
            for question in bank.questions.all():
                question.versions.all().delete()
            bank.questions.all().delete()
            bank.topics.all().delete()
            bank.delete()


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with suppress(OSError, http.client.HTTPException):
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/health/", headers={"Host": "127.0.0.1"})
            if probe.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError("the server did not start")


def answer_for(content: dict) -> list[str]:
    return list(content["answer"])


def client_loop(port, cookie, attempt_id, answers, pace, warmup_end, end, latencies, errors):
    csrf = secrets.token_hex(16)
    headers = {
        "Host": "127.0.0.1",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "Referer": "http://127.0.0.1/",
    }
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine, my_errors, index = [], 0, 0
    try:
        while True:
            started = time.perf_counter()
            if started >= end:
                break
            position, answer = answers[index % len(answers)]
            index += 1
            path = reverse("exams:answer", args=[attempt_id, position])
            try:
                connection_.request(
                    "POST", path, body=json.dumps({"answer": answer}), headers=headers
                )
                response = connection_.getresponse()
                body = response.read()
                ok = response.status == 200 and json.loads(body).get("saved") is True
                if response.will_close:
                    connection_.close()
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                connection_.close()
            finished = time.perf_counter()
            if started >= warmup_end and finished <= end:
                if ok:
                    mine.append(finished - started)
                else:
                    my_errors += 1
            if pace:
                time.sleep(max(0.0, started + pace - time.perf_counter()))
    finally:
        connection_.close()
        latencies.extend(mine)
        errors.append(my_errors)


def answers_under_load(
    exam: Exam, trainees: int, seconds: float, pace: float, warmup: float = 3, start: int = 0
) -> dict:
    users = trainees_build(exam, trainees, start=start)
    attempts = [exam_attempt_start(user=user, exam=exam) for user in users]
    plans = []
    for user, attempt in zip(users, attempts, strict=True):
        answers = [
            (item.position, answer_for(item.version.content))
            for item in attempt.questions.select_related("version").order_by("position")
        ]
        plans.append((session_cookie(user), attempt.pk, answers))
    port = free_port()
    workers = 2 * (os.cpu_count() or 1)
    with tempfile.NamedTemporaryFile("w+", prefix="bench-exams-", suffix=".log") as server_log:
        server = subprocess.Popen(  # noqa: S603 - our own server
            [
                GUNICORN,
                "academy.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_http(port)
            latencies: list[float] = []
            errors: list[int] = []
            start = time.perf_counter()
            warmup_end, end = start + warmup, start + warmup + seconds
            threads = [
                threading.Thread(
                    target=client_loop,
                    args=(
                        port,
                        cookie,
                        attempt_id,
                        answers,
                        pace,
                        warmup_end,
                        end,
                        latencies,
                        errors,
                    ),
                    daemon=True,
                )
                for cookie, attempt_id, answers in plans
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + warmup + 60)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    saved = AttemptQuestion.objects.filter(
        attempt_id__in=[attempt.pk for attempt in attempts], answer__isnull=False
    ).count()

    def ms(value):
        return round(value * 1000, 1) if value is not None else None

    return {
        "trainees": trainees,
        "seconds_between_a_trainees_answers": pace,
        "gunicorn_workers": workers,
        "seconds": seconds,
        "answers_saved": len(latencies),
        "errors": sum(errors),
        "answers_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": ms(percentile(latencies, 0.50)),
        "p95_ms": ms(percentile(latencies, 0.95)),
        "p99_ms": ms(percentile(latencies, 0.99)),
        "questions_answered_in_database": saved,
    }


def marking(exam: Exam, count: int) -> dict:
    log(f"marking: enrolling {count} trainees and starting their attempts")
    users = trainees_build(exam, count, start=100_000)
    attempt_ids = []
    for user in users:
        attempt = exam_attempt_start(user=user, exam=exam)
        items = list(attempt.questions.select_related("version"))
        for number, item in enumerate(items):
            right = answer_for(item.version.content)
            # About one answer in five is wrong, so the wrong-answer book is written too.
            keys = [option["key"] for option in item.version.content["options"]]
            item.answer = right if number % 5 else [next(k for k in keys if k not in right)]
        AttemptQuestion.objects.bulk_update(items, ["answer"])
        attempt_ids.append(attempt.pk)
    log(f"marking: submitting {count} attempts")
    with CaptureQueriesContext(connection) as queries:
        first = time.perf_counter()
        exam_attempt_submit(attempt_id=attempt_ids[0])
        first_seconds = time.perf_counter() - first
    per_attempt_queries = len(queries.captured_queries)
    started = time.perf_counter()
    for attempt_id in attempt_ids[1:]:
        exam_attempt_submit(attempt_id=attempt_id)
    seconds = time.perf_counter() - started + first_seconds
    marked = ExamAttempt.objects.filter(
        pk__in=attempt_ids, status=ExamAttempt.Status.MARKED
    ).count()
    return {
        "attempts": count,
        "questions_per_attempt": sum(section.count for section in exam.sections.all()),
        "seconds": round(seconds, 1),
        "ms_per_attempt": round(seconds * 1000 / count, 1),
        "queries_per_attempt": per_attempt_queries,
        "marked": marked,
    }


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--pace", type=float, default=1.0)
    options = parser.parse_args()
    cleanup()
    try:
        exam = exam_build()
        report = {}
        for name, pace, start in (
            ("answers_paced", options.pace, 0),
            ("answers_flat_out", 0, 1000),
        ):
            log(f"{name}: {options.trainees} trainees for {options.seconds} s")
            report[name] = answers_under_load(
                exam, options.trainees, options.seconds, pace, start=start
            )
        report["marking"] = marking(exam, options.attempts)
    finally:
        cleanup()
    return report


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
