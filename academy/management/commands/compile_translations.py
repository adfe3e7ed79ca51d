from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file of the project into .mo (no GNU gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in [Path(path) for path in settings.LOCALE_PATHS]:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        self.stdout.write(f"Compiled {compiled} translation file(s).")
