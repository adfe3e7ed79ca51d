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
