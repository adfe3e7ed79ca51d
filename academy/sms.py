"""Text messages to mobile phones, through the backend named by ``ACADEMY_SMS_BACKEND``.

A backend is a class with ``send(self, *, phone: str, text: str, template: str = "",
params: Sequence[str] = ()) -> None`` that raises ``SmsError`` when the provider refuses
the message. Providers in mainland China send only pre-approved templates: ``template``
names the kind of message (``"phone_code"``) and ``params`` fill its blanks, for the
backends that need them; ``text`` is the whole message for the others. The console
backend prints the message (development), the locmem backend keeps it in ``outbox``
(tests), ``academy.sms_tencent.TencentBackend`` sends it through Tencent Cloud SMS.
Callers never log the text: it may carry a login code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider did not accept the message."""


class SmsBackend(Protocol):
    def send(
        self, *, phone: str, text: str, template: str = "", params: Sequence[str] = ()
    ) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    template: str = ""
    params: tuple[str, ...] = ()


outbox: list[SmsMessage] = []


class ConsoleBackend:
    """Prints each message to standard output, for development."""

    def send(
        self, *, phone: str, text: str, template: str = "", params: Sequence[str] = ()
    ) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class LocmemBackend:
    """Keeps each message in ``academy.sms.outbox``, for tests."""

    def send(
        self, *, phone: str, text: str, template: str = "", params: Sequence[str] = ()
    ) -> None:
        outbox.append(SmsMessage(phone=phone, text=text, template=template, params=tuple(params)))


@cache
def _backend(path: str) -> SmsBackend:
    return import_string(path)()


def sms_send(*, phone: str, text: str, template: str = "", params: Sequence[str] = ()) -> None:
    """Send ``text`` to ``phone`` through the configured backend; ``template`` and
    ``params`` say the same for providers that send templates only."""
    _backend(settings.ACADEMY_SMS_BACKEND).send(
        phone=phone, text=text, template=template, params=tuple(params)
    )
