"""Job tests on the test Redis: skip without one, and run an RQ worker in burst mode."""

import pytest
from django.conf import settings

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="job tests need a real Redis: set REDIS_URL"
)


def run_worker(*, with_scheduler=False):
    import django_rq
    from rq import SimpleWorker

    worker = django_rq.get_worker("default", "certificates", worker_class=SimpleWorker)
    worker.work(burst=True, with_scheduler=with_scheduler)
    return worker


def queue(name: str):
    import django_rq

    return django_rq.get_queue(name)


def at_once(count: int, call) -> tuple[list, list]:
    """Run ``call()`` in ``count`` threads released together; return (results, errors)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
