"""Text messages through Tencent Cloud SMS (腾讯云短信), from the ``tencent-sms`` extra.

Set ``ACADEMY_SMS_BACKEND=academy.sms_tencent.TencentBackend`` and, from the Tencent
Cloud console, ``TENCENT_SMS_SECRET_ID``, ``TENCENT_SMS_SECRET_KEY``,
``TENCENT_SMS_SDK_APP_ID``, ``TENCENT_SMS_SIGN_NAME``, ``TENCENT_SMS_REGION`` and the
approved templates: ``TENCENT_SMS_TEMPLATES`` maps the kinds of message to template ids
(``phone_code=1234567``, comma-separated), and ``TENCENT_SMS_TEMPLATE_ID`` is the
template with one blank that any other message fills with its whole text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from .sms import SmsError


def _sdk() -> tuple[Any, Any, Any]:
    """The SDK's credential module, client module and request models, imported only when a
    message is sent, so that the site runs without the extra."""
    try:
        from tencentcloud.common import credential
        from tencentcloud.sms.v20210111 import models, sms_client
    except ImportError as error:
        raise SmsError(
            "Tencent Cloud SMS is configured but its SDK is not installed: "
            'pip install "academy[tencent-sms]".'
        ) from error
    return credential, sms_client, models


def _templates() -> dict[str, str]:
    pairs = (item.partition("=") for item in settings.TENCENT_SMS_TEMPLATES.split(","))
    return {name.strip(): value.strip() for name, _sep, value in pairs if name.strip()}


class TencentBackend:
    """Sends each message as one of the account's approved templates."""

    def __init__(self) -> None:
        missing = [
            name
            for name in (
                "TENCENT_SMS_SECRET_ID",
                "TENCENT_SMS_SECRET_KEY",
                "TENCENT_SMS_SDK_APP_ID",
                "TENCENT_SMS_SIGN_NAME",
            )
            if not getattr(settings, name)
        ]
        if missing:
            raise SmsError(f"Tencent Cloud SMS needs {', '.join(missing)} to be set.")

    def send(
        self, *, phone: str, text: str, template: str = "", params: Sequence[str] = ()
    ) -> None:
        template_id = _templates().get(template) if template else None
        if template_id is None:
            template_id, params = settings.TENCENT_SMS_TEMPLATE_ID, (text,)
        if not template_id:
            raise SmsError(
                f"No Tencent Cloud SMS template for {template or 'plain'} messages: set "
                "TENCENT_SMS_TEMPLATES or TENCENT_SMS_TEMPLATE_ID."
            )
        credential, sms_client, models = _sdk()
        client = sms_client.SmsClient(
            credential.Credential(settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY),
            settings.TENCENT_SMS_REGION,
        )
        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.TENCENT_SMS_SDK_APP_ID
        request.SignName = settings.TENCENT_SMS_SIGN_NAME
        request.TemplateId = template_id
        request.TemplateParamSet = list(params)
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            response = client.SendSms(request)
        except Exception as error:  # The SDK raises its own exception type for every refusal.
            raise SmsError(f"Tencent Cloud SMS refused the message: {error}") from error
        statuses = list(getattr(response, "SendStatusSet", None) or [])
        if not statuses or statuses[0].Code != "Ok":
            reason = statuses[0].Message if statuses else "no status returned"
            raise SmsError(f"Tencent Cloud SMS did not send the message: {reason}")
