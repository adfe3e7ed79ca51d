from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from enrollments.services.recovery import job_sweep


class Command(BaseCommand):
    help = _(
        "Queue again every background job whose queue job was lost or whose worker died "
        "(certificates, hours records, certificate downloads, attendance exports)."
    )

    def handle(self, *args, **options):
        count = job_sweep()
        self.stdout.write(_("Queued %(count)s job(s) again.") % {"count": count})
