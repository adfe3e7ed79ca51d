"""Job tests on the test Redis: skip without one, and run an RQ worker in burst mode."""

import pytest
from django.conf import settings

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="job tests need a real Redis: set REDIS_URL"
)


def run_worker(*, with_scheduler=False):
    """The project's default worker (``RQ["WORKER_CLASS"]``) in burst mode."""
    import django_rq

    worker = django_rq.get_worker("default", "certificates")
    worker.work(burst=True, with_scheduler=with_scheduler)
    return worker


def queue(name: str):
    import django_rq

    return django_rq.get_queue(name)
