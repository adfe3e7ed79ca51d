import pytest

from academy import sms

pytestmark = pytest.mark.django_db


def test_locmem_backend_keeps_each_message(settings, sms_outbox):
    settings.ACADEMY_SMS_BACKEND = "academy.sms.LocmemBackend"
    sms.sms_send(phone="13800000001", text="验证码 123456")
    assert sms_outbox == [sms.SmsMessage(phone="13800000001", text="验证码 123456")]


def test_console_backend_prints_the_message(settings, capsys):
    settings.ACADEMY_SMS_BACKEND = "academy.sms.ConsoleBackend"
    sms.sms_send(phone="13800000002", text="明天上课")
    assert "13800000002" in capsys.readouterr().out
