"""Every message catalogue is valid gettext: each msgid has its msgstr and none is
defined twice (GNU msgfmt is stricter than the compiler the site uses)."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.system_tools import run_system_tool

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(
    path
    for app in ("locale", "courses/locale", "enrollments/locale")
    for path in (Path(settings.BASE_DIR) / app).glob("*/LC_MESSAGES/django.po")
)


def test_every_language_of_every_app_has_a_catalogue():
    assert len(CATALOGUES) == 6


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: "/".join(path.parts[-5:-2]))
def test_the_catalogue_is_valid_gettext(catalogue):
    try:
        run_system_tool(
            "msgfmt", "--check-format", "-o", "/dev/null", str(catalogue), package="gettext"
        )
    except subprocess.CalledProcessError as error:
        pytest.fail(f"{catalogue}: {error.stderr}")
