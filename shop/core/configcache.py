"""
Configuration read on every purchase and changed only by staff (shipping
zones and their rates, tax rates), kept in the cache as a versioned value
(``shop.core.versioned``): one cache round trip to read it.

Every save or delete of the models a ``ConfigCache`` watches bumps its
version twice: at once, so the writing transaction itself (and a test inside
one) reads afresh, and when that transaction commits, so no other process
keeps a value read before the commit. Writes that send no signal
(``QuerySet.update``, ``bulk_create``, raw SQL) must call ``changed``.

With Django's local-memory cache each process has its own version, so a
change made in one process is not seen by another: like the catalog's page
cache, run several processes with a shared cache (Redis).
"""

from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from . import versioned

TIMEOUT = 3600


class ConfigCache:
    def __init__(self, name: str):
        self.name = f"{name}:config"

    def changed(self, using: str) -> None:
        """The configuration changed in ``using``'s transaction: read it afresh now and after."""
        versioned.changed(self.name, TIMEOUT, partial(transaction.on_commit, using=using))

    def get(self, compute: Callable):
        """``compute()``'s value, read once per version."""
        return versioned.cached(self.name, compute, TIMEOUT)

    def watch(self, models: Iterable) -> None:
        """Bump the version whenever one of ``models`` is saved or deleted."""
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._on_signal, sender=model, dispatch_uid=f"{self.name}:{model.__name__}"
                )

    def _on_signal(self, sender, using, **kwargs) -> None:
        self.changed(using)
