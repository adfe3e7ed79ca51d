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


def run_system_tool(program: str, *arguments: str, package: str, timeout: int = 300) -> str:
    """Run a system program (skipping the test without it) and return what it printed."""
    import subprocess

    require_system_tool(program, package=package)
    command = [shutil.which(program) or program, *arguments]
    result = subprocess.run(  # noqa: S603 - a system tool on files the test wrote
        command, capture_output=True, text=True, check=True, timeout=timeout
    )
    return result.stdout
