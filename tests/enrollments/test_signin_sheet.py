"""The sign-in sheet lists a session's trainees by the pinyin of the family name or in
roster order, as the trainer chooses."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollments.models import Enrollment
from enrollments.selectors.attendance import RosterOrder, session_roster
from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef
from tests.system_tools import run_system_tool

pytestmark = pytest.mark.django_db

# In the order they enrolled.
ENROLLED = ["张伟", "曾小凡", "单田芳", "陈晨", "解晓东", "欧阳晓燕"]
BY_PINYIN = ["陈晨", "欧阳晓燕", "单田芳", "解晓东", "曾小凡", "张伟"]


@pytest.fixture
def session(trainer_user):
    course = tree.course(trainers=[trainer_user], title="社区工作方法")
    session = tree.session(course=course)
    start = timezone.now() - timedelta(days=10)
    for number, name in enumerate(ENROLLED):
        enrollment = ef.enrollment(course=course, user=people.trainee(full_name=name))
        Enrollment.objects.filter(pk=enrollment.pk).update(
            created_at=start + timedelta(hours=number)
        )
    return session


def _names(roster) -> list[str]:
    return [entry["user"].full_name for entry in roster]


def test_the_roster_in_pinyin_order_reads_family_names_as_family_names(
    session, django_assert_num_queries
):
    with django_assert_num_queries(2):
        roster = session_roster(session=session, order=RosterOrder.PINYIN)
    assert _names(roster) == BY_PINYIN


def test_the_roster_in_roster_order_follows_enrolment(session):
    assert _names(session_roster(session=session, order=RosterOrder.ROSTER)) == ENROLLED


def _sheet_names(client, session, tmp_path, **query) -> list[str]:
    response = client.get(reverse("attendance:signin_sheet", args=[session.pk]), query)
    assert response.status_code == 200
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = run_system_tool("pdftotext", "-layout", str(path), "-", package="poppler-utils")
    found = []
    for line in text.splitlines():
        found += [name for name in ENROLLED if name in line.split()]
    return found


def test_the_sheet_is_in_pinyin_order_unless_roster_order_is_chosen(
    client, trainer_user, session, tmp_path
):
    client.force_login(trainer_user)
    assert _sheet_names(client, session, tmp_path) == BY_PINYIN
    assert _sheet_names(client, session, tmp_path, order="pinyin") == BY_PINYIN
    assert _sheet_names(client, session, tmp_path, order="roster") == ENROLLED


def test_an_unknown_order_is_refused_with_a_message(client, trainer_user, session):
    client.force_login(trainer_user)
    response = client.get(
        reverse("attendance:signin_sheet", args=[session.pk]), {"order": "height"}
    )
    assert response.status_code == 400
    assert "height" in response.content.decode()


def test_the_session_lists_offer_the_choice(client, trainer_user, admin_user, session):
    client.force_login(trainer_user)
    page = client.get(reverse("attendance:sessions")).content.decode()
    assert 'name="order"' in page and 'value="roster"' in page
    client.force_login(admin_user)
    page = client.get(reverse("attendance_admin:sessions")).content.decode()
    assert 'name="order"' in page and 'value="roster"' in page
