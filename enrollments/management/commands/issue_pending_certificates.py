from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from enrollments.services.recovery import certificate_sweep


class Command(BaseCommand):
    help = _(
        "Queue a certificate job for every completed enrolment whose certificate is missing, "
        "pending or failed with attempts left."
    )

    def handle(self, *args, **options):
        count = certificate_sweep()
        self.stdout.write(_("Queued %(count)s certificate(s).") % {"count": count})
