"""The demo's year of history, read as the academy reports it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from enrollments.selectors.statistics import StatisticsPeriod, statistics_report
from tests.academy import factories as people

pytestmark = pytest.mark.django_db


def test_the_last_twelve_months_of_the_demo_read_as_the_academy_reports_them():
    """超40个主题课程，开展160个课时培训学习，惠及3600多人次."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = timezone.localdate()
    period = StatisticsPeriod(today - timedelta(days=364), today)
    report = statistics_report(user=people.administrator(), period=period)
    figures = report.current
    assert 35 <= figures.courses_run <= 45
    assert 140 <= figures.class_hours <= 180
    assert 3000 <= figures.person_times <= 4200
    assert figures.satisfaction is not None
    tracks = report.table("tracks").rows
    assert all(track.courses_run for track in tracks)
    assert sum(track.person_times for track in tracks) == figures.person_times
