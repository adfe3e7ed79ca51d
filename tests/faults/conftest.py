"""Fault tests: a Redis of their own that they can kill, and workers they can kill.

Every test here is marked ``faults``. The Redis is a ``redis-server`` started on a
spare local port for the test, so killing it never touches the Redis the rest of
the suite uses.
"""

import shutil
import socket
import subprocess
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
