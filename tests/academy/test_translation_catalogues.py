"""The project's catalogues are loaded before Wagtail's, so any msgid they share with
Wagtail replaces Wagtail's Chinese on Wagtail's own screens. The project translates a
Wagtail msgid only where Wagtail's zh_Hans catalogue lacks it; a word the project needs
in another sense takes a pgettext context."""

from pathlib import Path

import polib
import pytest
import wagtail
from django.conf import settings

pytestmark = pytest.mark.django_db

WAGTAIL_CATALOGUES = sorted(
    Path(wagtail.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
)
PROJECT_CATALOGUES = [
    Path(settings.BASE_DIR) / app / "zh_Hans/LC_MESSAGES/django.po"
    for app in ("locale", "courses/locale", "enrollments/locale")
]


def _wagtail_translated() -> set[tuple[str | None, str]]:
    return {
        (entry.msgctxt, entry.msgid)
        for path in WAGTAIL_CATALOGUES
        for entry in polib.pofile(str(path))
        if entry.translated()
    }


def test_wagtail_catalogues_are_found():
    assert len(WAGTAIL_CATALOGUES) > 10


@pytest.mark.parametrize("catalogue", PROJECT_CATALOGUES, ids=lambda path: path.parts[-4])
def test_the_project_does_not_retranslate_what_wagtail_translates(catalogue):
    wagtail_msgids = _wagtail_translated()
    overrides = {
        entry.msgid
        for entry in polib.pofile(str(catalogue))
        if (entry.msgctxt, entry.msgid) in wagtail_msgids
    }
    assert overrides == set()


def test_the_project_catalogue_translates_wagtails_missing_admin_strings():
    project = polib.pofile(str(PROJECT_CATALOGUES[0]))
    translated = {entry.msgid: entry for entry in project if entry.translated()}
    for msgid in (
        "Wagtail %(current_version)s editor guide",
        "Search all pages…",
        "Privacy and access",
        "Keyboard shortcuts are currently enabled; manage your %(account_link)s to disable them.",
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
    ):
        assert msgid in translated, msgid
        assert (None, msgid) not in _wagtail_translated(), msgid
