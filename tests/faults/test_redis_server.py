"""The fault suite's own Redis: started for a test, killed and started again on the same port."""

import pytest
import redis


def test_a_killed_server_refuses_connections_and_comes_back_empty(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.set("k", "v")
    assert client.get("k") == b"v"

    redis_server.kill()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, socket_connect_timeout=0.5).ping()

    redis_server.start()
    client = redis.Redis.from_url(redis_server.url)
    assert client.ping()
    assert client.get("k") is None


def test_the_project_queues_and_cache_use_the_fault_server(faulty_redis, db):
    import django_rq
    from django.core.cache import cache

    cache.set("probe", 1)
    assert redis.Redis.from_url(faulty_redis.url).exists(":1:probe")
    assert (
        django_rq.get_queue("certificates").connection.connection_pool.connection_kwargs["port"]
        == faulty_redis.port
    )
