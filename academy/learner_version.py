"""A version of each trainee's own records, so their personal pages can be cached.

``learner_version(user_id)`` changes whenever something the trainee's dashboard shows
changes: their enrolments, lessons marked done, attendance, hour entries, certificates,
evaluations, profile or calendar link (a saved or deleted row; the receivers are in
``enrollments.selectors.learner_version``), or what every trainee's page shows alike
(organisations, continuing-education policies: the *epoch*). Writes that send no signal (queryset
updates) call ``learner_version_bump`` or ``learners_epoch_bump`` themselves.

A bump happens at once and again when the writing transaction commits, so a request
that read the rows in between cannot keep what it read under the new version. A version
that the cache lost starts again from the clock, never from a number already used.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "academy:learner:{user_id}"
EPOCH_KEY = "academy:learners:epoch"


def _read(keys: list[str]) -> dict[str, int]:
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key, time.time_ns())
    return found


def learner_version(*, user_id: int) -> str:
    key = VERSION_KEY.format(user_id=user_id)
    found = _read([EPOCH_KEY, key])
    return f"{found[EPOCH_KEY]}.{found[key]}"


def _bump(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), timeout=None)


def _bump_now_and_on_commit(keys: list[str]) -> None:
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def learner_version_bump(*user_ids: int | None) -> None:
    keys = [VERSION_KEY.format(user_id=user_id) for user_id in set(user_ids) if user_id]
    if keys:
        _bump_now_and_on_commit(keys)


def learners_epoch_bump(**_signal) -> None:
    """Every trainee's version at once (also a signal receiver)."""
    _bump_now_and_on_commit([EPOCH_KEY])
