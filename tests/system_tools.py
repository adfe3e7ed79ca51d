"""Tests that need a program from the system skip without it, except in CI."""

import os
import shutil

import pytest


def require_system_tool(name: str, *, package: str) -> None:
    if shutil.which(name):
        return
    message = f"{name} is not installed (Debian package {package})"
    if os.environ.get("ACADEMY_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


def require_zbar() -> None:
    try:
        import pyzbar.pyzbar  # noqa: F401
    except ImportError:
        message = "the zbar library is not installed (Debian package libzbar0)"
        if os.environ.get("ACADEMY_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
