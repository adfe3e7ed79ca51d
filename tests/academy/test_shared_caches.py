"""The header's cached parts follow their changes: the academy's settings, a user's roles."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Site

from academy.models import AcademySettings
from academy.roles import user_has_role
from tests.academy import factories as people
from tests.courses import factories

pytestmark = pytest.mark.django_db


def test_a_renamed_academy_shows_on_the_next_request(client):
    lesson = factories.lesson(parent=factories.course())
    client.get(lesson.url)
    settings = AcademySettings.for_site(Site.objects.get(is_default_site=True))
    settings.academy_name = "改名后的社工学院"
    settings.save()

    assert "改名后的社工学院" in client.get(lesson.url).content.decode()


def test_the_admin_link_follows_a_change_of_the_users_groups(client):
    lesson = factories.lesson(parent=factories.course())
    trainee = people.trainee()
    client.force_login(trainee)
    admin_home = reverse("wagtailadmin_home")
    assert f'href="{admin_home}"' not in client.get(lesson.url).content.decode()

    editors = Group.objects.create(name="页面编辑")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    trainee.groups.add(editors)

    assert f'href="{admin_home}"' in client.get(lesson.url).content.decode()


def test_a_users_roles_are_read_once_and_forgotten_when_they_change(
    django_assert_num_queries,
):
    trainee = people.trainee()
    with django_assert_num_queries(1):
        assert not user_has_role(trainee, "Trainer")
        assert not user_has_role(trainee, "Administrator")
    trainee.groups.add(Group.objects.get_or_create(name="Trainer")[0])

    assert user_has_role(trainee, "Trainer")
