"""The import contracts in pyproject.toml ([tool.importlinter]) hold."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports_command() -> str | None:
    beside_python = Path(sys.executable).with_name("lint-imports")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("lint-imports")


# No database needed, but the suite's session fixture snapshots one, and pytest-django
# only creates it when some collected test asks for it.
@pytest.mark.django_db
def test_import_contracts_are_kept():
    command = lint_imports_command()
    if command is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")

    result = subprocess.run(  # noqa: S603 - our own linter on our own tree
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stdout + result.stderr
