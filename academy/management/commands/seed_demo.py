from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from academy.demo import DEMO_LOGINS, seed_people, seed_site


class Command(BaseCommand):
    help = _("Create demo people, pages, courses and records; running it again changes nothing.")

    def handle(self, *args, **options):
        seed_people()
        seed_site()
        for step in demo_steps():
            step()
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
        for login, password, role in DEMO_LOGINS:
            self.stdout.write(f"  {role:<14} {login:<28} {password}")


def demo_steps():
    """Demo steps contributed by the other apps, in dependency order."""
    steps = []
    try:
        from courses.demo import seed_courses
    except ImportError:
        pass
    else:
        steps.append(seed_courses)
    return steps
