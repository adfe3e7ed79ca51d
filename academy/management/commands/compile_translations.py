from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def project_locale_dirs() -> list[Path]:
    """LOCALE_PATHS plus the locale folder of each of the project's own apps."""
    base = Path(settings.BASE_DIR)
    app_dirs = [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
        and not Path(config.path).is_relative_to(base / ".venv")
    ]
    return [Path(path) for path in settings.LOCALE_PATHS] + [d for d in app_dirs if d.is_dir()]


class Command(BaseCommand):
    help = "Compile the project's .po files into .mo files (no GNU gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in project_locale_dirs():
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        self.stdout.write(f"Compiled {compiled} translation file(s).")
