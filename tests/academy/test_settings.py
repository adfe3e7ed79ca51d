import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from academy.settings.env import (
    JOBS_BACKEND,
    cache_config,
    database_config,
    redis_url,
    rq_queues_config,
    tasks_config,
)

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process with ``env``, as a server would start."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_no_database_url_means_sqlite_with_wal_immediate_and_busy_timeout():
    config = database_config(None, default_sqlite_path="/tmp/academy.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/academy.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=20000" in config["OPTIONS"]["init_command"]


def test_sqlite_url_keeps_the_tuning():
    config = database_config("sqlite:////srv/academy/db.sqlite3", default_sqlite_path="unused")

    assert config["NAME"] == "/srv/academy/db.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_is_parsed():
    config = database_config(
        "postgres://academy:s3cret@db.internal:6543/academy", default_sqlite_path="unused"
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "academy"
    assert config["USER"] == "academy"
    assert config["PASSWORD"] == "s3cret"
    assert config["HOST"] == "db.internal"
    assert config["PORT"] == 6543


@pytest.mark.parametrize(
    "url",
    ["mysql-ish://nothing", "not a url", "postgres://user@host:5432/", "sqlite://"],
)
def test_malformed_database_url_names_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config(url, default_sqlite_path="unused")


def test_malformed_database_url_stops_start_up_with_a_message():
    env = {**os.environ, "DATABASE_URL": "postgres//missing-colon", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "postgres//missing-colon" in result.stderr


def test_production_settings_require_secret_key_and_allowed_hosts():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.production",
        "SECRET_KEY": "",
        "ALLOWED_HOSTS": "academy.example",
    }
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

    env.update({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""})
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_jobs_run_in_process_without_redis_and_on_rq_with_it():
    in_process = "django_tasks.backends.immediate.ImmediateBackend"
    assert {alias: c["BACKEND"] for alias, c in tasks_config(None).items()} == {
        "default": in_process,
        JOBS_BACKEND: in_process,
    }
    config = tasks_config("redis://127.0.0.1:6379/0")
    assert config[JOBS_BACKEND]["BACKEND"] == "academy.tasks_backend.RQBackend"
    # Wagtail's own tasks use the default alias and never go to the queue.
    assert config["default"]["BACKEND"] == in_process


def test_queue_connections_give_up_quickly_unless_the_url_says_otherwise():
    import redis

    url = rq_queues_config("redis://127.0.0.1:6379/3")["default"]["URL"]
    kwargs = redis.Redis.from_url(url).connection_pool.connection_kwargs
    assert (kwargs["db"], kwargs["socket_connect_timeout"], kwargs["socket_timeout"]) == (3, 0.5, 5)

    url = rq_queues_config("redis://127.0.0.1:6379/3?socket_timeout=30")["default"]["URL"]
    assert redis.Redis.from_url(url).connection_pool.connection_kwargs["socket_timeout"] == 30


def test_the_redis_cache_ignores_a_dead_server_and_the_local_one_is_in_memory():
    assert cache_config(None)["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    redis_cache = cache_config("redis://127.0.0.1:6379/2")["default"]
    assert redis_cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert redis_cache["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert redis_cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_malformed_redis_url_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        redis_url("http://127.0.0.1:6379")


@pytest.mark.django_db
def test_health_page_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_production_start_up_needs_no_collected_static_files(tmp_path):
    """collectstatic itself loads the URLs, before any static file is collected."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "academy.example",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = _manage("collectstatic", "--noinput", "-v0", env=env, timeout=300)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("academy/favicon.svg")
