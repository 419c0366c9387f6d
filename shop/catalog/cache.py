"""
One version number for everything the catalog shows.

Cached pages and fragments put ``catalog_version()`` in their keys; any change
to a category, product, variant, image, price or stock calls
``catalog_changed()``, so the next request misses and renders afresh. Old
entries are never read again and age out with their timeout. One number,
rather than per-product keys, because a product change can move it in or out
of every list it appears in; for a small shop's rate of change that is cheap.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)


def catalog_changed() -> None:
    """Invalidate cached catalog pages once the current transaction commits."""
    transaction.on_commit(_bump)
