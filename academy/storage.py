"""The private storage: certificates, their ZIP bundles, exports, hours records and proof
uploads. Its files have no public address; ``academy.access.private_file_response`` hands
them out after the caller's ownership check."""

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used (and again when settings change)."""

    def _setup(self):
        self._wrapped = storages["private"]


private = PrivateStorage()


def private_storage() -> Storage:
    """The storage of every private file field (a callable, so migrations name it)."""
    return private  # type: ignore[return-value]


def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private._wrapped = empty


setting_changed.connect(_reset_private_storage)
