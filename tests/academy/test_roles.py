import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Page

from academy.roles import ADMINISTRATOR, TRAINEE, TRAINER, roles_sync


@pytest.mark.django_db
def test_the_three_roles_exist_and_wagtail_defaults_are_gone():
    names = set(Group.objects.values_list("name", flat=True))

    assert names == {TRAINEE, TRAINER, ADMINISTRATOR}


@pytest.mark.django_db
def test_trainee_role_has_no_admin_access(trainee_user):
    assert not trainee_user.has_perm("wagtailadmin.access_admin")
    assert not trainee_user.has_perm("academy.change_organization")


@pytest.mark.django_db
def test_trainer_role_reaches_the_admin_but_not_people(trainer_user):
    assert trainer_user.has_perm("wagtailadmin.access_admin")
    assert trainer_user.has_perm("wagtailimages.add_image")
    assert not trainer_user.has_perm("academy.change_user")
    assert not trainer_user.has_perm("academy.change_organization")


@pytest.mark.django_db
def test_administrator_role_manages_people_pages_and_organisations(admin_user):
    assert admin_user.has_perm("wagtailadmin.access_admin")
    assert admin_user.has_perm("academy.change_organization")
    assert admin_user.has_perm("academy.add_user")
    assert admin_user.is_staff
    root = Page.get_first_root_node()
    assert root.permissions_for_user(admin_user).can_publish_subpage()


@pytest.mark.django_db
def test_publication_is_approved_by_administrators():
    task = GroupApprovalTask.objects.get()
    assert list(task.groups.values_list("name", flat=True)) == [ADMINISTRATOR]


@pytest.mark.django_db
def test_roles_sync_restores_removed_permissions(admin_user):
    group = Group.objects.get(name=ADMINISTRATOR)
    group.permissions.clear()

    roles_sync()

    assert group.permissions.filter(codename="change_organization").exists()


@pytest.mark.django_db
def test_admin_login_works_for_administrator_and_trainer(client, admin_user, trainer_user):
    for user in (admin_user, trainer_user):
        client.force_login(user)
        assert client.get(reverse("wagtailadmin_home")).status_code == 200


@pytest.mark.django_db
def test_trainee_is_turned_away_from_the_admin(client, trainee_user):
    client.force_login(trainee_user)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response.url


@pytest.mark.django_db
def test_job_dashboard_is_for_administrators_only(client, trainer_user, trainee_user):
    url = reverse("django_rq:home")
    assert client.get(url).status_code == 302
    for user in (trainer_user, trainee_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_job_dashboard_is_in_the_admin_menu_for_administrators(client, admin_user, trainer_user):
    client.force_login(admin_user)
    assert reverse("django_rq:home") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(trainer_user)
    assert (
        reverse("django_rq:home") not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


@pytest.mark.django_db
def test_administrator_creates_a_user_with_a_full_name_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newtrainer",
            "full_name": "司马光明",
            "email": "newtrainer@example.com",
            "phone": "13600000000",
            "password1": "trainer-secret-2026",
            "password2": "trainer-secret-2026",
            "groups": [Group.objects.get(name=TRAINER).pk],
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    from django.contrib.auth import get_user_model

    created = get_user_model().objects.get(username="newtrainer")
    assert created.full_name == "司马光明"
    assert created.groups.filter(name=TRAINER).exists()


@pytest.mark.django_db
def test_the_publication_workflow_is_named_for_administrators_in_chinese():
    from wagtail.models import Task, Workflow

    assert list(Workflow.objects.values_list("name", flat=True)) == ["管理员审核"]
    assert list(Task.objects.values_list("name", flat=True)) == ["管理员审核"]


@pytest.mark.django_db
def test_the_roots_of_the_page_tree_and_the_collections_are_named_in_chinese():
    from wagtail.models import Collection, Page

    root = Page.get_first_root_node()
    assert (root.title, root.draft_title) == ("根目录", "根目录")
    assert Collection.get_first_root_node().name == "根目录"
