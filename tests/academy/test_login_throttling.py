"""Five wrong passwords lock an account for 15 minutes on both login forms; an
administrator can unlock it in the admin."""

from datetime import timedelta

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from tests.academy import factories
from tests.academy.factories import PASSWORD

LOCKED_MESSAGE = "登录失败次数过多"

LOGIN_FORMS = ["accounts:login", "wagtailadmin_login"]


def _log_in(client, url_name, login, password, *, address="203.0.113.7"):
    return client.post(
        reverse(url_name), {"username": login, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff_member(db):
    """Someone who may use both login forms (the admin's needs admin access)."""
    return factories.administrator(username="wanghy", email="wanghy@example.com")


@pytest.mark.parametrize("url_name", LOGIN_FORMS)
def test_the_sixth_try_is_refused_even_with_the_right_password(client, staff_member, url_name):
    for _attempt in range(4):
        response = _log_in(client, url_name, staff_member.email, "wrong-password")
        assert response.status_code == 200
        assert LOCKED_MESSAGE not in response.content.decode()

    fifth = _log_in(client, url_name, staff_member.email, "wrong-password")
    sixth = _log_in(client, url_name, staff_member.email, PASSWORD)

    assert not _logged_in(client)
    for response in (fifth, sixth):
        assert response.status_code == 429
        page = response.content.decode()
        # The login page itself says so, in the site's language (Chinese by default).
        assert "登录失败次数过多，此账号已锁定 15 分钟" in page
        assert 'name="password"' in page


def test_the_count_is_per_account_whether_email_phone_or_login_name_is_typed(client, staff_member):
    for login in ("WangHY@example.com", staff_member.phone, "wanghy", " WANGHY ", "wanghy"):
        _log_in(client, "accounts:login", login, "bad")

    response = _log_in(client, "accounts:login", staff_member.phone, PASSWORD)

    assert not _logged_in(client)
    assert LOCKED_MESSAGE in response.content.decode()
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"wanghy"}


def test_the_lock_holds_from_another_address_and_other_accounts_are_not_locked(
    client, staff_member
):
    for _attempt in range(5):
        _log_in(client, "accounts:login", staff_member.email, "bad", address="203.0.113.7")

    _log_in(client, "accounts:login", staff_member.email, PASSWORD, address="198.51.100.1")
    assert not _logged_in(client)

    other = factories.trainee()
    _log_in(client, "accounts:login", other.email, PASSWORD, address="203.0.113.7")
    assert _logged_in(client)


def test_the_lock_ends_after_fifteen_minutes(client, staff_member):
    for _attempt in range(5):
        _log_in(client, "accounts:login", staff_member.email, "bad")
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=14))
    _log_in(client, "accounts:login", staff_member.email, PASSWORD)
    assert not _logged_in(client)

    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=16))
    _log_in(client, "accounts:login", staff_member.email, PASSWORD)

    assert _logged_in(client)


def test_a_successful_login_clears_the_count(client, staff_member):
    for _attempt in range(4):
        _log_in(client, "accounts:login", staff_member.email, "bad")
    _log_in(client, "accounts:login", staff_member.email, PASSWORD)
    assert _logged_in(client)
    client.logout()

    _log_in(client, "accounts:login", staff_member.email, "bad")
    _log_in(client, "accounts:login", staff_member.email, PASSWORD)

    assert _logged_in(client)


def test_the_english_page_says_so_in_english(client, staff_member):
    client.cookies["academy_language"] = "en"
    for _attempt in range(5):
        response = _log_in(client, "accounts:login", staff_member.email, "bad")

    assert "Too many failed login attempts: this account is locked for 15 minutes" in (
        response.content.decode()
    )


def test_an_administrator_unlocks_the_account_in_the_admin(client, staff_member, admin_user):
    trainee = factories.trainee(username="lixm", email="lixm@example.com")
    for address in ("203.0.113.7", "198.51.100.1"):
        for _attempt in range(3):
            _log_in(client, "accounts:login", trainee.email, "bad", address=address)
    _log_in(client, "accounts:login", trainee.email, PASSWORD)
    assert not _logged_in(client)

    client.force_login(admin_user)
    index = client.get(reverse("login_lockouts:index"))
    assert index.status_code == 200
    page = index.content.decode()
    assert "lixm" in page and "解锁" in page
    attempt = AccessAttempt.objects.filter(username="lixm").first()
    unlock_url = reverse("login_lockouts:delete", args=[attempt.pk])
    assert "解锁 lixm" in client.get(unlock_url).content.decode()
    response = client.post(unlock_url)
    assert response.status_code == 302
    client.logout()

    assert not AccessAttempt.objects.filter(username="lixm").exists()
    _log_in(client, "accounts:login", trainee.email, PASSWORD)
    assert _logged_in(client)


def test_trainers_do_not_see_the_lockouts(client, trainer_user, staff_member):
    for _attempt in range(5):
        _log_in(client, "accounts:login", staff_member.email, "bad")
    attempt = AccessAttempt.objects.get()
    client.force_login(trainer_user)

    assert client.get(reverse("login_lockouts:index")).status_code in (302, 403)
    assert client.post(reverse("login_lockouts:delete", args=[attempt.pk])).status_code in (
        302,
        403,
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 127.0.0.1"
    )
    assert get_client_ip_address(request) == "127.0.0.1"

    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

    assert get_client_ip_address(request) == "203.0.113.7"
