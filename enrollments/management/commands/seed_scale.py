import json
from dataclasses import fields, replace

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academy.page_cache import pages_generation_bump
from enrollments.scale import DEFAULT_SCALE, SMALL_SCALE, ScaleDataExists, scale_data_seed

OPTIONS = {
    "trainees": _("trainees (default 20000; 500 with --small)"),
    "organizations": _("organisations (default 230)"),
    "courses": _("courses (default 200)"),
    "lessons": _("lessons, spread over the courses (default 2000)"),
    "sessions": _("class sessions, spread over the courses (default 1000)"),
    "progress": _("lesson-progress rows (default 1000000)"),
    "attendance": _("attendance records (default 1000000)"),
    "enrollments_per_trainee": _("courses each trainee is enrolled in (default 13)"),
    "trainers": _("trainers (default 40)"),
}


class Command(BaseCommand):
    help = _(
        "Build benchmark data at the academy's real scale with bulk inserts. "
        "Runs once per database: it refuses when scale data is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", action="store_true", help=_("A small dataset for quick runs and tests.")
        )
        for name, text in OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, help=text)
        parser.add_argument(
            "--json", action="store_true", help=_("Print the counts and timings as JSON.")
        )

    def handle(self, *args, **options):
        scale = SMALL_SCALE if options["small"] else DEFAULT_SCALE
        changes = {
            field.name: options[field.name]
            for field in fields(scale)
            if options.get(field.name) is not None
        }
        if any(value < 0 for value in changes.values()):
            raise CommandError(_("Counts cannot be negative."))
        scale = replace(scale, **changes)
        if scale.courses < 1 or scale.trainees < 1:
            raise CommandError(_("At least one course and one trainee are needed."))
        log = (lambda message: None) if options["json"] else self.stdout.write
        try:
            result = scale_data_seed(scale=scale, log=log)
        except ScaleDataExists as error:
            raise CommandError(str(error)) from None
        # The pages are inserted without Wagtail's signals: nothing cached may outlive them.
        pages_generation_bump()
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for name, count in result["counts"].items():
            self.stdout.write(f"  {name:<16} {count:>10,}")
        self.stdout.write(self.style.SUCCESS(_("Scale data built in %(seconds)s s.") % result))
