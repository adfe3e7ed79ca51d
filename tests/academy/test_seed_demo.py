import pytest
from django.apps import apps
from django.core.management import call_command

from academy.demo import DEMO_LOGINS, DEMO_PASSWORD, ORGANIZATIONS, PEOPLE
from academy.models import Organization, User


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for app_label in ("academy", "courses", "enrollments", "cms_pages", "wagtailcore", "auth")
        for model in apps.get_app_config(app_label).get_models()
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = row_counts()

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert row_counts() == first
    demo_people = User.objects.filter(username__in=[person[0] for person in PEOPLE])
    assert demo_people.count() == len(PEOPLE)
    assert Organization.objects.filter(name__in=[org[0] for org in ORGANIZATIONS]).count() == len(
        ORGANIZATIONS
    )


@pytest.mark.django_db
def test_seed_demo_logins_work(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    for login, password, _role in DEMO_LOGINS:
        assert password == DEMO_PASSWORD
        assert client.login(username=login, password=password), login
        client.logout()

    client.login(username="admin@academy.example", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
