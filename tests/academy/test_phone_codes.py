"""One-time SMS codes: login, password reset by phone, and claiming an account made at
a class or from a roster."""

import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from freezegun import freeze_time

from academy.errors import RuleViolation
from academy.models import PhoneCode
from academy.services import phone_code_check, phone_code_send, trainee_account_create
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as records

User = get_user_model()
pytestmark = pytest.mark.django_db

PHONE = "13712345678"
ADDRESS = "203.0.113.9"


def _code(sms_outbox) -> str:
    match = re.search(r"\d{6}", sms_outbox[-1].text)
    assert match, sms_outbox[-1].text
    return match.group()


@pytest.fixture
def walk_in(db):
    """An account made for a walk-in: a phone, no email, no usable password, 3 hours."""
    user = trainee_account_create(full_name="赵小兰", phone=PHONE)
    session = tree.session(days_ahead=-1)
    enrollment = records.enrollment(course=session.course, user=user, source="walk_in")
    records.attendance(session=session, enrollment=enrollment)
    return user


def _hours(user) -> Decimal:
    return user.hour_entries.aggregate(total=Sum("hours"))["total"]


def test_a_code_is_texted_and_only_its_hash_is_stored(walk_in, sms_outbox):
    phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)

    assert [message.phone for message in sms_outbox] == [PHONE]
    code = _code(sms_outbox)
    assert sms_outbox[-1].template == "phone_code"
    assert sms_outbox[-1].params == (code, "5")
    stored = PhoneCode.objects.get()
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)
    assert stored.client_address == ADDRESS


def test_the_code_never_appears_in_the_logs(walk_in, client, sms_outbox, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "send": "1"})
    code = _code(sms_outbox)
    client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "code": "000000"})
    client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "code": code})

    assert "_auth_user_id" in client.session
    assert caplog.records
    assert all(code not in record.getMessage() for record in caplog.records)
    assert all(code not in str(record.__dict__) for record in caplog.records)


def test_a_code_expires_after_five_minutes(walk_in, sms_outbox):
    with freeze_time("2026-03-02 09:00:00"):
        phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)
    code = _code(sms_outbox)

    with freeze_time("2026-03-02 09:05:01"), pytest.raises(RuleViolation) as refused:
        phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=code)
    assert refused.value.error_dict["code"][0].code == "expired"

    with freeze_time("2026-03-02 09:04:59"):
        assert phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=code) == walk_in


def test_a_code_works_once_and_for_its_purpose_only(walk_in, sms_outbox):
    phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)
    code = _code(sms_outbox)

    with pytest.raises(RuleViolation):
        phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.RESET, code=code)
    phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=code)
    with pytest.raises(RuleViolation) as again:
        phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=code)
    assert again.value.error_dict["code"][0].code == "expired"


def test_five_wrong_tries_spend_the_code(walk_in, sms_outbox):
    phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)
    code = _code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(5):
        with pytest.raises(RuleViolation) as refused:
            phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=wrong)
        assert refused.value.error_dict["code"][0].code == "wrong_code"

    with pytest.raises(RuleViolation) as refused:
        phone_code_check(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, code=code)
    assert refused.value.error_dict["code"][0].code == "too_many_tries"
    assert PhoneCode.objects.get().attempts == 5


def test_a_number_gets_one_code_a_minute_and_five_an_hour(walk_in, sms_outbox):
    with freeze_time("2026-03-02 09:00:00") as clock:
        phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)
        clock.tick(30)
        with pytest.raises(RuleViolation) as refused:
            phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS)
        assert refused.value.code == "throttled"
        assert "秒后" in refused.value.text
        for _minute in range(4):
            clock.tick(61)
            phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.RESET, client_address=None)
        clock.tick(61)
        with pytest.raises(RuleViolation) as refused:
            phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=None)
        assert refused.value.code == "throttled"
        clock.tick(3600)
        phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=None)
    assert len(sms_outbox) == 6


def test_an_address_gets_ten_codes_an_hour(db, sms_outbox):
    for number in range(10):
        phone_code_send(
            phone=f"1360000{number:04d}", purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS
        )
    with pytest.raises(RuleViolation) as refused:
        phone_code_send(
            phone="13600009999", purpose=PhoneCode.Purpose.LOGIN, client_address=ADDRESS
        )
    assert refused.value.code == "throttled"
    phone_code_send(
        phone="13600009999", purpose=PhoneCode.Purpose.LOGIN, client_address="198.51.100.1"
    )


def test_no_text_goes_to_a_number_without_an_account(db, client, sms_outbox):
    response = client.post(
        reverse("accounts:login_by_code"), {"phone": "13600001111", "send": "1"}, follow=True
    )

    assert sms_outbox == []
    assert "如果有账户使用这个号码" in response.content.decode()


def test_logging_in_with_a_code_lands_on_my_learning(walk_in, client, sms_outbox):
    client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "send": "1"})
    response = client.post(
        reverse("accounts:login_by_code"), {"phone": PHONE, "code": _code(sms_outbox)}
    )

    assert response.status_code == 302
    assert response.url == reverse("enrollments:dashboard")
    assert client.session["_auth_user_id"] == str(walk_in.pk)


def test_wrong_codes_lock_the_account_like_wrong_passwords(walk_in, client, sms_outbox):
    phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.LOGIN, client_address=None)
    code = _code(sms_outbox)
    wrong = "999999" if code != "999999" else "888888"
    for _try in range(4):
        response = client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "code": wrong})
        assert response.status_code == 200
    response = client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "code": wrong})
    assert response.status_code == 429
    response = client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "code": code})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


def test_a_walk_in_claims_their_account_and_keeps_their_hours(walk_in, client, sms_outbox):
    hours = _hours(walk_in)
    assert hours == Decimal("3.0")
    users_before = User.objects.count()

    client.post(reverse("accounts:claim"), {"phone": PHONE, "send": "1"})
    response = client.post(
        reverse("accounts:claim"),
        {
            "phone": PHONE,
            "code": _code(sms_outbox),
            "password1": "zhao-xiaolan-2026",
            "password2": "zhao-xiaolan-2026",
            "email": "Xiaolan@Example.com",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("enrollments:dashboard")
    assert User.objects.count() == users_before
    walk_in.refresh_from_db()
    assert walk_in.check_password("zhao-xiaolan-2026")
    assert walk_in.email == "xiaolan@example.com"
    assert client.session["_auth_user_id"] == str(walk_in.pk)
    assert _hours(walk_in) == hours
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": PHONE, "password": "zhao-xiaolan-2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(walk_in.pk)


def test_a_claimed_account_cannot_be_claimed_again(walk_in, client, sms_outbox):
    walk_in.set_password("already-chosen-2026")
    walk_in.save()

    response = client.post(reverse("accounts:claim"), {"phone": PHONE, "send": "1"})

    assert sms_outbox == []
    assert response.context["form"].errors.as_data()["phone"][0].code == "nothing_to_claim"


def test_a_weak_password_keeps_the_code_for_another_go(walk_in, client, sms_outbox):
    client.post(reverse("accounts:claim"), {"phone": PHONE, "send": "1"})
    code = _code(sms_outbox)
    weak = {"phone": PHONE, "code": code, "password1": "12345678", "password2": "12345678"}

    response = client.post(reverse("accounts:claim"), weak)

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert PhoneCode.objects.get().used_at is None
    strong = {**weak, "password1": "zhao-xiaolan-2026", "password2": "zhao-xiaolan-2026"}
    assert client.post(reverse("accounts:claim"), strong).status_code == 302


def test_a_password_is_reset_by_phone(client, sms_outbox):
    user = factories.trainee(phone="13598765432")
    client.post(reverse("accounts:password_reset_phone"), {"phone": user.phone, "send": "1"})
    response = client.post(
        reverse("accounts:password_reset_phone"),
        {
            "phone": user.phone,
            "code": _code(sms_outbox),
            "password1": "a-new-password-2026",
            "password2": "a-new-password-2026",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-password-2026")


def test_registering_with_the_number_of_an_unclaimed_account_points_to_the_claim(
    walk_in, client, organization
):
    response = client.post(
        reverse("accounts:register"),
        {
            "full_name": "赵小兰",
            "email": "",
            "phone": PHONE,
            "organization": organization.pk,
            "qualification_level": "none",
            "password1": "zhao-xiaolan-2026",
            "password2": "zhao-xiaolan-2026",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["phone"][0].code == "claimable_phone"
    assert reverse("accounts:claim") in response.content.decode()
    assert User.objects.filter(phone=PHONE).count() == 1


class RefusingBackend:
    def send(self, *, phone, text, template="", params=()):
        from academy.sms import SmsError

        raise SmsError("签名未审批")


def test_a_refused_text_is_a_clear_message_and_logs_no_code(walk_in, client, settings, caplog):
    settings.ACADEMY_SMS_BACKEND = "tests.academy.test_phone_codes.RefusingBackend"
    caplog.set_level(logging.DEBUG)

    response = client.post(reverse("accounts:login_by_code"), {"phone": PHONE, "send": "1"})

    assert response.status_code == 200
    assert "短信未能发出" in response.content.decode()
    assert any("签名未审批" in record.getMessage() for record in caplog.records)
    assert not any(re.search(r"\d{6}", record.getMessage()) for record in caplog.records)
