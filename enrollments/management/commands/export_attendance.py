from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academy.models import Organization
from enrollments.models import AttendanceExport
from enrollments.services.exports import attendance_export_file_write


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Dates are written YYYY-MM-DD: %s") % value) from error


class Command(BaseCommand):
    help = _("Export attendance records to CSV or XLSX with the same filters as the admin.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=AttendanceExport.Format.values, required=True)
        parser.add_argument("--output", required=True, help=_("File to write."))
        parser.add_argument("--course", type=int, help=_("Course page id."))
        parser.add_argument("--session", type=int, help=_("Session id."))
        parser.add_argument("--from", dest="date_from", help=_("First day, YYYY-MM-DD."))
        parser.add_argument("--to", dest="date_to", help=_("Last day, YYYY-MM-DD."))
        parser.add_argument("--organization", help=_("Organisation id or exact name."))
        parser.add_argument("--trainee", help=_("Trainee's user id or mobile phone."))
        parser.add_argument(
            "--language", default="zh-hans", choices=["zh-hans", "en"], help=_("Header language.")
        )

    def handle(self, *args, **options):
        filters = {
            "course_id": options["course"],
            "session_id": options["session"],
            "date_from": _date(options["date_from"]) if options["date_from"] else None,
            "date_to": _date(options["date_to"]) if options["date_to"] else None,
            "organization_id": self._organization_id(options["organization"]),
            "trainee_id": self._trainee_id(options["trainee"]),
        }
        with open(options["output"], "wb") as output:
            rows = attendance_export_file_write(
                output=output,
                export_format=options["format"],
                language=options["language"],
                filters=filters,
            )
        self.stdout.write(
            _("%(rows)d rows written to %(file)s") % {"rows": rows, "file": options["output"]}
        )

    def _organization_id(self, value):
        if not value:
            return None
        if value.isdigit():
            return int(value)
        organization = Organization.objects.filter(name=value).first()
        if organization is None:
            raise CommandError(_("No organisation is called %s.") % value)
        return organization.pk

    def _trainee_id(self, value):
        if not value:
            return None
        users = get_user_model().objects
        user = users.filter(phone=value).first() or (
            users.filter(pk=int(value)).first() if value.isdigit() and len(value) < 11 else None
        )
        if user is None:
            raise CommandError(_("No trainee has the id or phone %s.") % value)
        return user.pk
