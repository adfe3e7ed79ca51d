from datetime import date

import pytest

from academy.models import QualificationLevel
from enrollments.selectors.certificates import default_cycle
from tests.academy.factories import trainee


@pytest.mark.django_db
def test_hours_record_defaults_to_the_current_registration_cycle():
    user = trainee(
        qualification_level=QualificationLevel.ASSISTANT, registration_date=date(2021, 3, 1)
    )

    assert default_cycle(user=user, today=date(2026, 11, 22)) == (
        date(2024, 3, 1),
        date(2027, 2, 28),
    )


@pytest.mark.django_db
def test_hours_record_without_a_registration_date_covers_three_years():
    user = trainee(qualification_level=QualificationLevel.ASSISTANT, registration_date=None)

    assert user.trainee_profile.registration_date is None
    assert default_cycle(user=user, today=date(2026, 11, 22)) == (
        date(2023, 11, 23),
        date(2026, 11, 22),
    )


@pytest.mark.django_db
def test_hours_record_falls_back_to_three_years_before_the_first_cycle_begins():
    user = trainee(
        qualification_level=QualificationLevel.ASSISTANT, registration_date=date(2027, 1, 1)
    )

    assert default_cycle(user=user, today=date(2026, 11, 22)) == (
        date(2023, 11, 23),
        date(2026, 11, 22),
    )
