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
# What a server's environment must hold for the production settings.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "academy.settings.production",
    "SECRET_KEY": "kU9x-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "academy.example",
    "BASE_URL": "https://academy.example",
    "DEFAULT_FROM_EMAIL": "academy@academy.example",
}


def _production_env() -> dict:
    """This environment with the production variables, less what the browser tests set
    for Playwright's event loop (a server never has it)."""
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


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
    env = {**os.environ, **PRODUCTION_ENV, "SECRET_KEY": ""}
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


def _python(script: str, *, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _import_production_settings(env: dict) -> subprocess.CompletedProcess:
    return _python("import academy.settings.production", env=env)


@pytest.mark.parametrize("variable", ["BASE_URL", "DEFAULT_FROM_EMAIL"])
def test_production_settings_stop_without_base_url_or_sender(variable):
    env = _production_env()
    assert _import_production_settings(env).returncode == 0
    env.pop(variable)

    result = _import_production_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} must be set in production" in result.stderr


def test_production_base_url_must_be_https():
    env = {**os.environ, **PRODUCTION_ENV, "BASE_URL": "http://127.0.0.1:8000"}

    result = _import_production_settings(env)

    assert result.returncode != 0
    assert "BASE_URL must be set in production to the site's public https://" in result.stderr
    assert "'http://127.0.0.1:8000'" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_settings_send_https_only_and_frame_only_same_origin():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS, "
        "s.WAGTAILADMIN_BASE_URL, s.DEFAULT_FROM_EMAIL, s.SERVER_EMAIL)"
    )
    result = _python(script, env=_production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "SAMEORIGIN",
        "https://academy.example",
        "academy@academy.example",
        "academy@academy.example",
    ]


def test_production_start_up_needs_no_collected_static_files(tmp_path):
    """collectstatic itself loads the URLs, before any static file is collected."""
    env = {**os.environ, **PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = _manage("collectstatic", "--noinput", "-v0", env=env, timeout=300)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("academy/favicon.svg")
