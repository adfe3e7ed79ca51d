"""The process's own memory in front of the shared cache, for entries that never change.

An entry of the pages cache is keyed by everything it is made of: the pages generation
(``academy.page_cache``), the language and, for what shows how sessions stand now, the
time window. Under one key it is never rewritten with something else, so once a process
has read it from the shared cache (Redis) it can keep it in memory and skip the round
trip next time. A change makes a new generation, hence new keys, which the process reads
from the shared cache again; the old entries age out of memory by time and by count.

The generation itself is read from the shared cache on every request, never from here.

Configured as the cache alias ``template_fragments`` (the one Django's ``{% cache %}``
tag uses)::

    "template_fragments": {
        "BACKEND": "academy.local_cache.LocalFirstCache",
        "OPTIONS": {"SHARED": "default", "LOCAL_ENTRIES": 2000, "LOCAL_SECONDS": 300},
    }
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_MISSING = object()
# One memory per alias and process, shared by its threads (Django makes a cache object per
# thread).
_MEMORIES: dict[str, _Memory] = {}
_MEMORIES_LOCK = threading.Lock()


class _Memory:
    def __init__(self, entries: int, seconds: float) -> None:
        self.entries = entries
        self.seconds = seconds
        self.items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return _MISSING
            expires, value = found
            if expires < time.monotonic():
                del self.items[key]
                return _MISSING
            self.items.move_to_end(key)
            return value

    def put(self, key: str, value: Any, seconds: float | None) -> None:
        lifetime = self.seconds if seconds is None else min(self.seconds, seconds)
        if lifetime <= 0:
            self.forget(key)
            return
        with self.lock:
            self.items[key] = (time.monotonic() + lifetime, value)
            self.items.move_to_end(key)
            while len(self.items) > self.entries:
                self.items.popitem(last=False)

    def forget(self, key: str) -> None:
        with self.lock:
            self.items.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class LocalFirstCache(BaseCache):
    """Reads from this process's memory first, then from the shared cache; writes to
    both. Only for keys whose entry never changes (see the module's docstring)."""

    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.shared_alias = options.get("SHARED", "default")
        entries = int(options.get("LOCAL_ENTRIES", 2000))
        seconds = float(options.get("LOCAL_SECONDS", 300))
        name = location or self.shared_alias
        with _MEMORIES_LOCK:
            self.memory = _MEMORIES.setdefault(name, _Memory(entries, seconds))

    @property
    def shared(self) -> BaseCache:
        return caches[self.shared_alias]

    def _seconds(self, timeout: Any) -> float | None:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else float(timeout)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        value = self.memory.get(self.make_and_validate_key(key, version=version))
        if value is not _MISSING:
            return value
        value = self.shared.get(key, _MISSING, version=version)
        if value is _MISSING:
            return default
        self.memory.put(self.make_key(key, version=version), value, None)
        return value

    def get_many(self, keys, version: int | None = None) -> dict:
        found: dict = {}
        missing = []
        for key in keys:
            value = self.memory.get(self.make_and_validate_key(key, version=version))
            if value is _MISSING:
                missing.append(key)
            else:
                found[key] = value
        if missing:
            shared = self.shared.get_many(missing, version=version)
            for key, value in shared.items():
                self.memory.put(self.make_key(key, version=version), value, None)
            found.update(shared)
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.shared.set(key, value, timeout=timeout, version=version)
        self.memory.put(
            self.make_and_validate_key(key, version=version), value, self._seconds(timeout)
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        added = self.shared.add(key, value, timeout=timeout, version=version)
        if added:
            self.memory.put(
                self.make_and_validate_key(key, version=version), value, self._seconds(timeout)
            )
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self.shared.touch(key, timeout=timeout, version=version)

    def delete(self, key, version=None) -> bool:
        self.memory.forget(self.make_and_validate_key(key, version=version))
        return self.shared.delete(key, version=version)

    def has_key(self, key, version=None) -> bool:
        if self.memory.get(self.make_and_validate_key(key, version=version)) is not _MISSING:
            return True
        return self.shared.has_key(key, version=version)

    def clear(self) -> None:
        """Empty this process's memory and the shared cache."""
        self.memory.clear()
        self.shared.clear()
