"""The project's RQ worker: its scheduler takes over the lock of a dead scheduler at once."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from academy.worker import MACHINE_FIELD, CronScheduler, Worker, machine_identity

pytestmark = [
    pytest.mark.rq,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return child.pid


@pytest.mark.skipif(not machine_identity(), reason="needs /proc to tell processes apart")
def test_a_scheduler_frees_the_locks_of_a_dead_scheduler_on_this_machine(rq_tasks):
    redis = rq_tasks
    for owner, pid in (("dead", dead_pid()), ("alive", os.getpid())):
        redis.hset(f"rq:scheduler:{owner}", mapping={"pid": pid, MACHINE_FIELD: machine_identity()})
    redis.set(CronScheduler.get_locking_key("default"), "dead")
    redis.set(CronScheduler.get_locking_key("certificates"), "alive")
    scheduler = CronScheduler(["default", "certificates"], connection=redis)

    scheduler.release_dead_locks()
    assert scheduler.acquire_locks() == {"default"}
    assert redis.get(CronScheduler.get_locking_key("certificates")) == b"alive"


def test_the_worker_names_its_machine(rq_tasks):
    import django_rq

    worker = Worker([django_rq.get_queue("default")], connection=rq_tasks)
    worker.register_birth()

    assert rq_tasks.hget(worker.key, MACHINE_FIELD).decode() == machine_identity()
    worker.register_death()
