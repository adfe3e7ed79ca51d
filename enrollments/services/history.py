"""Who makes a change and why, for the change history kept by django-simple-history.

In a request ``HistoryRequestMiddleware`` names the logged-in user. A service that is
told who acts names them itself, so that tasks, imports and commands, which run with no
request, record the actor too, and the reason it asks for goes with the change.
"""

from typing import TypeVar

from django.db import models

from academy.models import User

Record = TypeVar("Record", bound=models.Model)


def change_history_note(*, record: Record, actor: User | None, reason: str = "") -> Record:
    """Name the actor and the reason of ``record``'s next save in its history; returns it."""
    if actor is not None:
        record._history_user = actor  # type: ignore[attr-defined]
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]
    return record
