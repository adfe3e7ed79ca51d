import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.errors import RuleViolation
from academy.models import QualificationLevel
from academy.services import trainee_account_create, trainee_account_username
from enrollments.services.attendance import walk_in_enroll
from enrollments.services.roster import roster_import, roster_read
from tests.academy import factories
from tests.academy.factories import PASSWORD
from tests.courses import factories as tree

User = get_user_model()


def registration_data(organization, **overrides):
    data = {
        "full_name": "欧阳晓燕",
        "email": "Xiaoyan@Example.com",
        "phone": "13812345678",
        "organization": organization.pk,
        "qualification_level": QualificationLevel.ASSISTANT,
        "password1": "shegong-learning-2026",
        "password2": "shegong-learning-2026",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_trainee_registers_with_an_organisation_and_is_logged_in(client, organization):
    response = client.post(reverse("accounts:register"), registration_data(organization))

    assert response.status_code == 302
    assert response.url == reverse("enrollments:dashboard")
    user = User.objects.get(email="xiaoyan@example.com")
    assert user.full_name == "欧阳晓燕"
    assert user.phone == "13812345678"
    assert list(user.groups.values_list("name", flat=True)) == ["Trainee"]
    assert user.trainee_profile.organization == organization
    assert user.trainee_profile.qualification_level == QualificationLevel.ASSISTANT
    assert client.get(reverse("accounts:profile")).context["user"] == user


@pytest.mark.django_db
def test_registration_refuses_a_duplicate_email_with_a_clear_message(client, organization):
    client.post(reverse("accounts:register"), registration_data(organization))
    client.logout()

    response = client.post(
        reverse("accounts:register"),
        registration_data(organization, email="XIAOYAN@example.com", phone=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["email"][0].code == "duplicate_email"
    assert "该电子邮箱已注册。请直接登录，或找回密码。" in response.content.decode()
    assert User.objects.filter(email__iexact="xiaoyan@example.com").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "password_entirely_numeric"),
        ("abc", "password_too_short"),
        ("password", "password_too_common"),
    ],
)
def test_registration_refuses_a_weak_password(client, organization, password, code):
    response = client.post(
        reverse("accounts:register"),
        registration_data(organization, password1=password, password2=password),
    )

    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["password1"]]
    assert code in codes
    assert response.context["form"].errors["password1"][0] in response.content.decode()
    assert not User.objects.filter(email="xiaoyan@example.com").exists()


@pytest.mark.django_db
def test_registration_refuses_mismatched_passwords_and_a_bad_phone(client, organization):
    response = client.post(
        reverse("accounts:register"),
        registration_data(organization, password2="something-else-2026", phone="12345"),
    )

    errors = response.context["form"].errors
    assert "两次输入的密码不一致。" in str(errors["password2"])
    assert "请输入 11 位中国大陆手机号码" in str(errors["phone"])
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_registration_errors_follow_the_chosen_language(client, organization):
    client.post(reverse("accounts:register"), registration_data(organization))
    client.logout()
    client.cookies["academy_language"] = "en"

    response = client.post(reverse("accounts:register"), registration_data(organization, phone=""))

    assert "An account with this email address already exists." in response.content.decode()


@pytest.mark.django_db
def test_registration_shows_a_taken_phone_under_the_phone(client, organization):
    factories.trainee(phone="13812345678")

    response = client.post(reverse("accounts:register"), registration_data(organization))

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["phone"][0].code == "duplicate_phone"
    assert not User.objects.filter(email="xiaoyan@example.com").exists()


@pytest.mark.parametrize(
    ("email", "phone", "username"),
    [
        (" Xiaoyan@Example.com ", "13812345678", "xiaoyan@example.com"),
        ("", " 13812345678 ", "13812345678"),
    ],
)
def test_the_login_name_is_the_email_in_lower_case_or_else_the_phone(email, phone, username):
    assert trainee_account_username(email=email, phone=phone) == username


@pytest.mark.django_db
def test_registration_roster_and_walk_in_name_accounts_by_one_rule(
    client, organization, admin_user, trainer_user, taught_course
):
    client.post(reverse("accounts:register"), registration_data(organization))
    course = taught_course
    roster = roster_read(
        upload=SimpleUploadedFile(
            "roster.csv",
            (
                "姓名,手机号,邮箱,机构\n"
                f"甲学员,13800000001,Jia@Example.com,{organization.name}\n"
                f"乙学员,13800000002,,{organization.name}\n"
            ).encode(),
        )
    )
    roster_import(course=course, sheet=roster, actor=admin_user)
    walk_in_enroll(
        session=tree.session(course=course, days_ahead=0),
        user=trainer_user,
        phone="13800000003",
        full_name="丙学员",
    )

    usernames = dict(
        User.objects.filter(groups__name="Trainee")
        .exclude(pk__in=[admin_user.pk, trainer_user.pk])
        .values_list("full_name", "username")
    )
    assert usernames == {
        "欧阳晓燕": "xiaoyan@example.com",
        "甲学员": "jia@example.com",
        "乙学员": "13800000002",
        "丙学员": "13800000003",
    }


@pytest.mark.django_db
def test_an_account_named_by_the_old_walk_in_rule_keeps_its_name_and_logs_in_by_phone(
    client, trainer_user, taught_course
):
    old = factories.trainee(username="walkin-13712345678", phone="13712345678", email="")
    session = tree.session(course=taught_course, days_ahead=0)

    result = walk_in_enroll(session=session, user=trainer_user, phone="13712345678")

    assert result.enrollment.user == old
    old.refresh_from_db()
    assert old.username == "walkin-13712345678"
    response = client.post(
        reverse("accounts:login"), {"username": "13712345678", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_account_without_a_password_has_an_unusable_one(organization):
    user = trainee_account_create(
        full_name=" 张三 ", phone="13700001111", organization=organization
    )

    assert user.full_name == "张三"
    assert not user.has_usable_password()
    assert user.trainee_profile.organization == organization
    assert list(user.groups.values_list("name", flat=True)) == ["Trainee"]


@pytest.mark.django_db
def test_an_account_needs_a_phone_or_an_email_and_a_free_login_name():
    factories.trainee(username="13700002222", phone="13700003333")

    with pytest.raises(RuleViolation) as nothing:
        trainee_account_create(full_name="张三")
    with pytest.raises(RuleViolation) as taken:
        trainee_account_create(full_name="李四", phone="13700002222")

    assert nothing.value.error_dict["phone"][0].code == "login_required"
    assert taken.value.error_dict["username"][0].code == "login_taken"
    assert not User.objects.filter(full_name__in=["张三", "李四"]).exists()


@pytest.mark.django_db
def test_registration_page_is_chinese_by_default(client, organization):
    response = client.get(reverse("accounts:register"))

    assert response.status_code == 200
    assert "注册" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier", ["trainee@example.com", "13900001234", "TRAINEE@example.com"]
)
def test_login_with_email_or_phone(client, identifier):
    factories.trainee(username="t1", email="trainee@example.com", phone="13900001234")

    response = client.post(
        reverse("accounts:login"), {"username": identifier, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so(client, trainee_user):
    response = client.post(
        reverse("accounts:login"), {"username": trainee_user.email, "password": "wrong-one"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, trainee_user):
    client.force_login(trainee_user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_profile_update(client, trainee_user, organization):
    client.force_login(trainee_user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "李晓明明",
            "phone": "13711112222",
            "organization": organization.pk,
            "qualification_level": QualificationLevel.INTERMEDIATE,
            "qualification_number": "S2024-0001",
            "registration_date": "2024-07-01",
        },
    )

    assert response.status_code == 302
    trainee_user.refresh_from_db()
    profile = trainee_user.trainee_profile
    assert trainee_user.full_name == "李晓明明"
    assert trainee_user.phone == "13711112222"
    assert profile.qualification_level == QualificationLevel.INTERMEDIATE
    assert profile.qualification_number == "S2024-0001"
    assert str(profile.registration_date) == "2024-07-01"


@pytest.mark.django_db
def test_password_change(client, trainee_user):
    client.force_login(trainee_user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-secret-77",
            "new_password2": "a-brand-new-secret-77",
        },
    )

    assert response.status_code == 302
    trainee_user.refresh_from_db()
    assert trainee_user.check_password("a-brand-new-secret-77")


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, trainee_user):
    response = client.post(reverse("accounts:password_reset"), {"email": trainee_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.context["validlink"] is True
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "reset-secret-2026", "new_password2": "reset-secret-2026"},
    )
    assert response.status_code == 302
    trainee_user.refresh_from_db()
    assert trainee_user.check_password("reset-secret-2026")
