from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from academy.demo import DEMO_LOGINS

# Each step is idempotent and may rely on the ones before it.
DEMO_STEPS = [
    "academy.demo.seed_people",
    "cms_pages.demo.seed_site",
    "courses.demo.seed_courses",
    "courses.demo.exams.seed_question_banks",
    "cms_pages.demo.seed_home_features",
    "enrollments.demo.enrollments.seed_enrollments",
    "enrollments.demo.attendance.seed_attendance",
    "enrollments.demo.certificates.seed_certificates",
    "enrollments.demo.history.seed_history",
    "enrollments.demo.exams.seed_exam_attempts",
]


class Command(BaseCommand):
    help = _("Create demo people, pages, courses and records; running it again changes nothing.")

    def handle(self, *args, **options):
        for step in DEMO_STEPS:
            import_string(step)()
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
        for login, password, role in DEMO_LOGINS:
            self.stdout.write(f"  {role:<14} {login:<28} {password}")
