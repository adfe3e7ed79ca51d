import sys
from types import SimpleNamespace

import pytest

from academy import sms, sms_tencent

pytestmark = pytest.mark.django_db


def test_locmem_backend_keeps_each_message(settings, sms_outbox):
    settings.ACADEMY_SMS_BACKEND = "academy.sms.LocmemBackend"
    sms.sms_send(phone="13800000001", text="验证码 123456")
    assert sms_outbox == [sms.SmsMessage(phone="13800000001", text="验证码 123456")]


def test_console_backend_prints_the_message(settings, capsys):
    settings.ACADEMY_SMS_BACKEND = "academy.sms.ConsoleBackend"
    sms.sms_send(phone="13800000002", text="明天上课")
    assert "13800000002" in capsys.readouterr().out


class FakeSmsClient:
    """Stands in for the Tencent Cloud SDK's SmsClient: keeps requests, answers ``code``."""

    requests: list = []

    def __init__(self, credential, region, code="Ok"):
        self.credential = credential
        self.region = region
        self.code = code

    def SendSms(self, request):  # noqa: N802 - the SDK's name
        FakeSmsClient.requests.append((self.credential, self.region, request))
        status = SimpleNamespace(Code=self.code, Message="签名未审批")
        return SimpleNamespace(SendStatusSet=[status])


def _fake_sdk(code="Ok"):
    credential = SimpleNamespace(Credential=lambda secret_id, secret_key: (secret_id, secret_key))
    client = SimpleNamespace(SmsClient=lambda cred, region: FakeSmsClient(cred, region, code=code))
    models = SimpleNamespace(SendSmsRequest=SimpleNamespace)
    return lambda: (credential, client, models)


@pytest.fixture
def tencent_settings(settings):
    settings.TENCENT_SMS_SECRET_ID = "AKID-test"
    settings.TENCENT_SMS_SECRET_KEY = "secret-test"
    settings.TENCENT_SMS_SDK_APP_ID = "1400000000"
    settings.TENCENT_SMS_SIGN_NAME = "社工学院"
    settings.TENCENT_SMS_TEMPLATES = "phone_code=1111111"
    settings.TENCENT_SMS_TEMPLATE_ID = "2222222"
    settings.TENCENT_SMS_REGION = "ap-guangzhou"
    FakeSmsClient.requests = []
    return settings


def test_tencent_sends_a_code_as_its_approved_template(tencent_settings, monkeypatch):
    monkeypatch.setattr(sms_tencent, "_sdk", _fake_sdk())

    sms_tencent.TencentBackend().send(
        phone="13800000003", text="验证码 123456", template="phone_code", params=("123456", "5")
    )

    [(credential, region, request)] = FakeSmsClient.requests
    assert credential == ("AKID-test", "secret-test")
    assert region == "ap-guangzhou"
    assert request.SmsSdkAppId == "1400000000"
    assert request.SignName == "社工学院"
    assert request.TemplateId == "1111111"
    assert request.TemplateParamSet == ["123456", "5"]
    assert request.PhoneNumberSet == ["+8613800000003"]


def test_tencent_sends_other_messages_through_the_plain_template(tencent_settings, monkeypatch):
    monkeypatch.setattr(sms_tencent, "_sdk", _fake_sdk())

    sms_tencent.TencentBackend().send(phone="13800000004", text="明天上课")

    [(_credential, _region, request)] = FakeSmsClient.requests
    assert request.TemplateId == "2222222"
    assert request.TemplateParamSet == ["明天上课"]


def test_tencent_refusal_is_an_sms_error(tencent_settings, monkeypatch):
    monkeypatch.setattr(sms_tencent, "_sdk", _fake_sdk(code="FailedOperation.SignatureIncorrect"))

    with pytest.raises(sms.SmsError, match="签名未审批"):
        sms_tencent.TencentBackend().send(phone="13800000005", text="明天上课")


def test_tencent_without_its_extra_says_how_to_install_it(tencent_settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "tencentcloud", None)

    with pytest.raises(sms.SmsError, match=r"academy\[tencent-sms\]"):
        sms_tencent.TencentBackend().send(phone="13800000006", text="明天上课")


def test_tencent_without_credentials_names_the_missing_settings(settings):
    settings.TENCENT_SMS_SECRET_ID = ""
    settings.TENCENT_SMS_SECRET_KEY = ""

    with pytest.raises(sms.SmsError, match="TENCENT_SMS_SECRET_ID"):
        sms_tencent.TencentBackend()
