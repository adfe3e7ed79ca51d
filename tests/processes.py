"""What a test needs to start a second process of the project on the test database."""

import os
from urllib.parse import quote

from django.db import connection


def database_url(settings_dict) -> str:
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return (
        f"postgres://{quote(settings_dict['USER'])}{password}@{settings_dict['HOST']}{port}"
        f"/{settings_dict['NAME']}"
    )


def child_env(**variables: str) -> dict:
    """The environment of a child process with the test settings, on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        **variables,
    }
