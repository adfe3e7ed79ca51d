import pytest
from django.core.management import call_command

from enrollments.models import Enrollment, ExternalTraining, HourEntry

pytestmark = pytest.mark.django_db


def test_demo_has_enrolments_in_every_state_and_a_completed_one():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    statuses = set(Enrollment.objects.values_list("status", flat=True))
    assert statuses == set(Enrollment.Status.values)
    completed = Enrollment.objects.get(status=Enrollment.Status.COMPLETED, user__username="trainee")
    assert completed.completed_at is not None
    assert HourEntry.objects.filter(
        enrollment=completed, source=HourEntry.Source.ONLINE_LESSON
    ).exists()
    assert HourEntry.objects.filter(source=HourEntry.Source.EXTERNAL_TRAINING).exists()
    assert ExternalTraining.objects.filter(status=ExternalTraining.Status.SUBMITTED).exists()
