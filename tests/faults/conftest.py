"""Fault tests: a Redis of their own that they can kill, and workers they can kill.

Every test here is marked ``faults``. The Redis is a ``redis-server`` started on a
spare local port for the test, so killing it never touches the Redis the rest of
the suite uses.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)
            if REDIS_SERVER is None:
                item.add_marker(pytest.mark.skip(reason="fault tests need redis-server"))


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A ``redis-server`` on its own port that a test can kill and start again."""

    directory: Path
    port: int = field(default_factory=spare_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL): nothing is flushed, clients see a dead socket."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(directory=tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def faulty_redis(redis_server, settings):
    """The project's queues, tasks and cache pointed at ``redis_server``, as production has them."""
    from academy.settings.env import cache_config, rq_queues_config, tasks_config

    settings.REDIS_URL = redis_server.url
    settings.RQ_QUEUES = rq_queues_config(redis_server.url)
    settings.TASKS = tasks_config(redis_server.url)
    # Django's test signals drop the cache connections when CACHES changes.
    settings.CACHES = cache_config(redis_server.url)
    return redis_server


@dataclass
class Workers:
    """RQ workers started as ``make worker`` starts them, on the fault Redis and the test
    database; killing one kills its job and its scheduler with it, as a crash of the
    machine would."""

    redis_url: str
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(
        self, *options: str, command: tuple[str, ...] = (), **variables: str
    ) -> subprocess.Popen:
        """A worker as ``make worker`` starts it (or as ``command`` of manage.py says), with
        ``options`` added (``--worker-class academy.worker.Worker``) and ``variables`` in
        its environment."""
        from django.conf import settings

        from tests.processes import child_env

        env = child_env(
            **{
                "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
                "REDIS_URL": self.redis_url,
                "JOB_SWEEP_INTERVAL_SECONDS": "1",
                "JOB_SWEEP_GRACE_SECONDS": "1",
                "PYTHONUNBUFFERED": "1",
                **variables,
            }
        )
        log = self.log_dir / f"worker-{len(self.processes) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - the project's own command
                [sys.executable, "manage.py", *(command or WORKER_COMMAND), *options],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker, its work horse and its scheduler at once (the horse has a
        process group of its own)."""
        for pid in [*descendants(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()

    def pause(self, *processes: subprocess.Popen) -> None:
        """Stop (SIGSTOP) the workers with their work horses and schedulers, mid-step."""
        self._signal(processes, signal.SIGSTOP)

    def resume(self, *processes: subprocess.Popen) -> None:
        self._signal(processes, signal.SIGCONT)

    @staticmethod
    def _signal(processes, number) -> None:
        for process in processes:
            for pid in [process.pid, *descendants(process.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, number)

    def kill_all(self) -> None:
        for process in self.processes:
            self.kill(process)


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid`` and by them, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def make_worker_command() -> list[str]:
    """The arguments of ``manage.py`` in the Makefile's ``worker`` target."""
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    line = makefile.split("\nworker:", 1)[1].splitlines()[1]
    return line.split("manage.py", 1)[1].split()


WORKER_COMMAND = make_worker_command()


@pytest.fixture
def workers(faulty_redis, tmp_path):
    """Worker processes; their output is in ``worker-N.log`` in the test's tmp_path."""
    started = Workers(redis_url=faulty_redis.url, log_dir=tmp_path)
    yield started
    started.kill_all()


def wait_for(condition, *, timeout: float, every: float = 0.2):
    """Poll ``condition()`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"still not so after {timeout} seconds: {condition.__doc__ or condition}")
