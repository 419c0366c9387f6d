"""
Configuration read on every purchase and changed only by staff (shipping
zones and their rates, tax rates), kept in the cache under a version number.

Every save or delete of the models a ``ConfigCache`` watches bumps its
version twice: at once, so the writing transaction itself (and a test inside
one) reads afresh, and when that transaction commits, so no other process
keeps an entry read before the commit. An entry is never updated: a new
version means new keys, and old entries age out. A lost version key (evicted,
Redis restarted) starts from a number never used before. Writes that send no
signal (``QuerySet.update``, ``bulk_create``, raw SQL) must call ``changed``.

With Django's local-memory cache each process has its own version, so a
change made in one process is not seen by another: like the catalog's page
cache, run several processes with a shared cache (Redis).
"""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TIMEOUT = 3600


class ConfigCache:
    def __init__(self, name: str):
        self.name = name
        self.version_key = f"{name}:config-version"

    def version(self) -> int:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, time.time_ns() // 1000, timeout=None)
            version = cache.get(self.version_key)
        return version

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:
            cache.add(self.version_key, time.time_ns() // 1000, timeout=None)

    def changed(self, using: str) -> None:
        """The configuration changed in ``using``'s transaction: read it afresh now and after."""
        self._bump()
        transaction.on_commit(self._bump, using=using)

    def get(self, part: str, compute: Callable):
        """``compute()``'s value, read once per version."""
        key = f"{self.name}:v{self.version()}:{part}"
        found = cache.get(key)
        if found is None:
            found = (compute(),)
            cache.set(key, found, TIMEOUT)
        return found[0]

    def watch(self, models: Iterable) -> None:
        """Bump the version whenever one of ``models`` is saved or deleted."""
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._on_signal, sender=model, dispatch_uid=f"{self.name}:{model.__name__}"
                )

    def _on_signal(self, sender, using, **kwargs) -> None:
        self.changed(using)
