from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from enrollments.services.statistics import statistics_rollup_refresh


class Command(BaseCommand):
    help = _(
        "Rebuild the monthly figures per trainee and the marks per session that the "
        "statistics page reads (the workers' scheduler does it every ten minutes)."
    )

    def handle(self, *args, **options):
        rows = statistics_rollup_refresh()
        self.stdout.write(_("Kept %(rows)s monthly rows.") % {"rows": rows})
