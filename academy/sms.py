"""Text messages to mobile phones, through the backend named by ``ACADEMY_SMS_BACKEND``.

A backend is a class with ``send(self, *, phone: str, text: str) -> None`` that raises
``SmsError`` when the provider refuses the message. The console backend prints the
message (development), the locmem backend keeps it in ``outbox`` (tests). Callers never
log the text: it may carry a login code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider did not accept the message."""


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


outbox: list[SmsMessage] = []


class ConsoleBackend:
    """Prints each message to standard output, for development."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class LocmemBackend:
    """Keeps each message in ``academy.sms.outbox``, for tests."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(SmsMessage(phone=phone, text=text))


@cache
def _backend(path: str) -> SmsBackend:
    return import_string(path)()


def sms_send(*, phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` through the configured backend."""
    _backend(settings.ACADEMY_SMS_BACKEND).send(phone=phone, text=text)
