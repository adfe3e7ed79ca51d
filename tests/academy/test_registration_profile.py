"""Registration asks for an organisation that may be unlisted and for the CE cycle's
facts; the profile shows one organisation field, the full name first."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Organization, QualificationLevel, TraineeProfile
from academy.services import organization_map_unlisted
from tests.academy import factories

User = get_user_model()
pytestmark = pytest.mark.django_db


def _register(client, **overrides):
    data = {
        "full_name": "孙丽",
        "phone": "13511112222",
        "email": "",
        "organization": "unlisted",
        "unlisted_organization": " 东城区长者服务站 ",
        "qualification_level": QualificationLevel.INTERMEDIATE,
        "qualification_number": "S2024-0099",
        "registration_date": "2024-05-10",
        "password1": "sun-li-social-2026",
        "password2": "sun-li-social-2026",
    }
    data.update(overrides)
    return client.post(reverse("accounts:register"), data)


def test_a_trainee_registers_with_an_unlisted_organisation_and_the_cycle_facts(client):
    response = _register(client)

    assert response.status_code == 302
    assert response.url == reverse("enrollments:dashboard")
    profile = TraineeProfile.objects.get(user__phone="13511112222")
    assert profile.organization is None
    assert profile.unlisted_organization == "东城区长者服务站"
    assert profile.qualification_level == QualificationLevel.INTERMEDIATE
    assert profile.qualification_number == "S2024-0099"
    assert profile.registration_date == date(2024, 5, 10)


def test_other_organisation_needs_its_name(client):
    response = _register(client, unlisted_organization="")

    assert response.status_code == 200
    assert "unlisted_organization" in response.context["form"].errors
    assert not User.objects.filter(phone="13511112222").exists()


def test_the_registration_form_offers_other_organisation(client, organization):
    page = client.get(reverse("accounts:register")).content.decode()

    assert "其他 / 未列出" in page
    assert organization.name in page


def test_mapping_an_unlisted_name_puts_its_trainees_in_the_organisation(db):
    first = factories.trainee()
    second = factories.trainee()
    for user, typed in ((first, "东城区长者服务站"), (second, "东城区长者服务站 ")):
        TraineeProfile.objects.filter(user=user).update(
            organization=None, unlisted_organization=typed.strip()
        )
    real = factories.OrganizationFactory(name="东城区长者服务中心")

    assert organization_map_unlisted(name="东城区长者服务站", organization=real) == 2

    for user in (first, second):
        profile = TraineeProfile.objects.get(user=user)
        assert profile.organization == real
        assert profile.unlisted_organization == ""


def test_administrators_map_unlisted_names_in_the_admin(client, admin_user):
    trainee = factories.trainee()
    TraineeProfile.objects.filter(user=trainee).update(
        organization=None, unlisted_organization="北街义工队"
    )
    real = factories.OrganizationFactory(name="北街志愿者服务队")
    client.force_login(admin_user)

    page = client.get(reverse("unlisted_organizations"))
    assert page.status_code == 200
    assert [row["name"] for row in page.context["rows"]] == ["北街义工队"]

    client.post(reverse("unlisted_organizations"), {"name": "北街义工队", "organization": real.pk})
    assert TraineeProfile.objects.get(user=trainee).organization == real


def test_trainees_cannot_map_organisations(client, trainee_user):
    client.force_login(trainee_user)
    response = client.post(
        reverse("unlisted_organizations"),
        {"name": "x", "organization": Organization.objects.first().pk},
    )
    assert response.status_code in (302, 403)


def test_the_profile_asks_the_full_name_first_and_the_organisation_once(client, trainee_user):
    client.force_login(trainee_user)
    response = client.get(reverse("accounts:profile"))

    form = response.context["form"]
    assert list(form.fields)[0] == "full_name"
    page = response.content.decode()
    assert page.count('name="organization"') == 1
    assert "<dt>所在机构</dt>" not in page
    assert "notification" not in " ".join(form.fields)


def test_the_profile_keeps_an_unlisted_organisation_until_a_listed_one_is_chosen(
    client, trainee_user, organization
):
    client.force_login(trainee_user)
    data = {
        "full_name": "李晓明",
        "phone": trainee_user.phone,
        "organization": "unlisted",
        "unlisted_organization": "南湖社工站",
        "qualification_level": QualificationLevel.ASSISTANT,
        "qualification_number": "",
        "registration_date": "",
    }
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    profile = TraineeProfile.objects.get(user=trainee_user)
    assert (profile.organization, profile.unlisted_organization) == (None, "南湖社工站")

    client.post(reverse("accounts:profile"), {**data, "organization": organization.pk})
    profile.refresh_from_db()
    assert (profile.organization, profile.unlisted_organization) == (organization, "")


def test_the_unlisted_organisations_page_costs_the_same_whatever_the_names(client, admin_user):
    def add_names(first, count):
        for number in range(first, first + count):
            trainee = factories.trainee()
            TraineeProfile.objects.filter(user=trainee).update(
                organization=None, unlisted_organization=f"第{number}义工队"
            )

    def queries_for_the_page(names):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("unlisted_organizations"))
        assert len(response.context["rows"]) == names
        return len(queries)

    factories.OrganizationFactory.create_batch(3)
    client.force_login(admin_user)
    add_names(0, 1)
    one = queries_for_the_page(1)
    add_names(1, 11)
    factories.OrganizationFactory.create_batch(5)

    assert queries_for_the_page(12) == one
