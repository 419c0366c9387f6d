"""
One version number for everything the catalog shows.

Cached pages and fragments put ``catalog_version()`` in their keys; any change
to a category, product, variant, image, price or stock calls
``catalog_changed()``, so the next request misses and renders afresh. Old
entries are never read again and age out with their timeout. One number,
rather than per-product keys, because a product change can move it in or out
of every list it appears in; for a small shop's rate of change that is cheap.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from shop.core.pagecache import versioned_page_cache
from shop.taxes import public as taxes

from . import selectors
from .db import db

VERSION_KEY = "catalog:version"
MISSING = object()


def _fresh_version() -> int:
    """
    A starting number never used before: if the version key is lost (evicted,
    Redis restarted), counting again from 1 would make old entries current.
    """
    return time.time_ns() // 1000


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)


def catalog_changed() -> None:
    """Invalidate cached catalog pages once the current transaction commits."""
    db.on_commit(_bump)


def cached(name: str, compute: Callable):
    """
    ``compute()``, kept under ``name`` for the current catalog version and
    the way prices are stated (gross "incl. VAT" or net "plus tax": what the
    cards and the product API say). A ``None`` (not found) is not kept, so
    made-up URLs cannot fill the cache.
    """
    prices = "gross" if taxes.prices_include_tax() else "net"
    key = f"catalog:v{catalog_version()}:{prices}:{name}"
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = compute()
        if value is not None:
            cache.set(key, value, settings.CATALOG_CACHE_TIMEOUT)
    return value


def cached_category_tree():
    """The category tree (``selectors.category_tree``) for the current catalog version."""
    return cached("tree", selectors.category_tree)


def page_cache(view, params=()):
    """
    Share whole catalog responses among stateless visitors (see
    ``shop.core.pagecache``); ``params`` are the query parameters the view reads.
    """
    return versioned_page_cache(
        "catalog",
        VERSION_KEY,
        current_version=catalog_version,
        timeout=lambda: settings.CATALOG_CACHE_TIMEOUT,
        params=params,
    )(view)
