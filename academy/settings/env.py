"""Reading configuration from the environment, with messages that name the variable."""

import os
from pathlib import Path
from typing import overload
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


@overload
def env_str(name: str) -> str | None: ...
@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: str | None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def sqlite_config(path: Path | str) -> dict:
    """SQLite tuned for a small server: WAL, IMMEDIATE transactions and a busy timeout."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


def database_config(url: str | None, *, default_sqlite_path: Path | str) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry; a missing URL means the SQLite file."""
    if url is None:
        return sqlite_config(default_sqlite_path)
    parsed = urlparse(url)
    if parsed.scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL this site can use: {url!r}. "
            "Use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH."
        )
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise ImproperlyConfigured(
                f"DATABASE_URL names no SQLite file: {url!r}. Use sqlite:///PATH."
            )
        return sqlite_config(path)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"DATABASE_URL could not be read ({error}): {url!r}.") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL names no database: {url!r}.")
    return dict(config)


def redis_url(value: str | None) -> str | None:
    if value is None:
        return None
    if urlparse(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {value!r}."
        )
    return value


TASK_QUEUES = ["default", "certificates"]
# The Tasks API alias of the project's own background jobs (enrollments.tasks).
JOBS_BACKEND = "jobs"
IN_PROCESS_TASKS = {
    "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    "QUEUES": TASK_QUEUES,
}
RQ_TASKS = {"BACKEND": "academy.tasks_backend.RQBackend", "QUEUES": TASK_QUEUES}
# A dead or unreachable Redis must cost a request milliseconds, not seconds.
REDIS_CONNECT_TIMEOUT = 0.5
CACHE_SOCKET_TIMEOUT = 0.5
QUEUE_SOCKET_TIMEOUT = 5


def tasks_config(redis: str | None) -> dict:
    """The project's jobs go to RQ when Redis is configured, and run in-process otherwise.

    The default alias, which Wagtail's own tasks use (reference index, search index,
    file clean-up), always runs in-process: that work is a few queries in the same
    transaction as the save that asks for it, so it is never lost while Redis is
    away and never reaches a worker before the save is committed.
    """
    return {
        "default": IN_PROCESS_TASKS,
        JOBS_BACKEND: RQ_TASKS if redis else IN_PROCESS_TASKS,
    }


def redis_url_with_timeouts(url: str, *, socket_timeout: float) -> str:
    """``url`` with short connect and read timeouts, unless it sets its own."""
    parsed = urlparse(url)
    query = dict(parse_qsl(parsed.query))
    query.setdefault("socket_connect_timeout", str(REDIS_CONNECT_TIMEOUT))
    query.setdefault("socket_timeout", str(socket_timeout))
    return urlunparse(parsed._replace(query=urlencode(query)))


def rq_queues_config(redis: str | None) -> dict:
    url = redis_url_with_timeouts(
        redis or "redis://127.0.0.1:6379/0", socket_timeout=QUEUE_SOCKET_TIMEOUT
    )
    return {
        "default": {"URL": url, "DEFAULT_TIMEOUT": 600},
        # Certificates and hours records: one PDF per job, so a short timeout.
        "certificates": {"URL": url, "DEFAULT_TIMEOUT": 120},
    }


# The pages cache (``academy.page_cache``, the ``{% cache %}`` fragments): entries that
# never change under their key, kept in each process's memory in front of the default cache.
PAGES_CACHE = {
    "BACKEND": "academy.local_cache.LocalFirstCache",
    "OPTIONS": {"SHARED": "default", "LOCAL_ENTRIES": 2000, "LOCAL_SECONDS": 300},
}


def cache_config(redis: str | None) -> dict:
    """Redis when configured, where an unreachable server reads as a miss and writes are
    dropped (and logged), so pages still render; memory in the process otherwise."""
    if not redis:
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "template_fragments": PAGES_CACHE,
        }
    return {
        "template_fragments": PAGES_CACHE,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            },
        },
    }
