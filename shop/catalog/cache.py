"""
One version number for everything the catalog shows.

Cached pages and fragments put ``catalog_version()`` in their keys; any change
to a category, product, variant, image, price or stock calls
``catalog_changed()``, so the next request misses and renders afresh. Old
entries are never read again and age out with their timeout. One number,
rather than per-product keys, because a product change can move it in or out
of every list it appears in; for a small shop's rate of change that is cheap.

Prices also change by time alone, when a sale starts or ends, with nothing
written at that instant. So what shows prices is kept no later than the next
such instant (``sale_boundary``, itself cached for the version): its timeout
ends there and the entry carries the instant, so a read after it renders
afresh (decision 0029).
"""

import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from shop.core.pagecache import bounded_timeout, is_fresh, versioned_page_cache
from shop.taxes import public as taxes

from . import sale_prices, selectors
from .db import db

VERSION_KEY = "catalog:version"
# Part of the keys of ``cached``: change it when the stored entry's shape changes.
ENTRY_FORMAT = 2
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


def sale_boundary() -> datetime | None:
    """
    The next instant a sale starts or ends (None: no such instant ahead),
    one query per catalog version and per boundary passed.
    """
    key = f"catalog:v{catalog_version()}:sale-boundary"
    found = cache.get(key)
    if found is None or not is_fresh(found[0]):
        found = (sale_prices.next_boundary(timezone.now()),)
        cache.set(key, found, settings.CATALOG_CACHE_TIMEOUT)
    return found[0]


def _prices_stated() -> str:
    """Whether prices are stated gross ("incl. VAT") or net ("plus tax"): pages depend on it."""
    return "gross" if taxes.prices_include_tax() else "net"


def cached(name: str, compute: Callable, *, priced: bool = True):
    """
    ``compute()``, kept under ``name`` for the current catalog version and
    the way prices are stated (gross "incl. VAT" or net "plus tax": what the
    cards and the product API say), and, if ``priced``, until the next sale
    boundary. A ``None`` (not found) is not kept, so made-up URLs cannot fill
    the cache.
    """
    key = f"catalog:v{catalog_version()}:{ENTRY_FORMAT}:{_prices_stated()}:{name}"
    entry = cache.get(key, MISSING)
    if entry is not MISSING and is_fresh(entry[0]):
        return entry[1]
    until = sale_boundary() if priced else None
    value = compute()
    keep_for = bounded_timeout(settings.CATALOG_CACHE_TIMEOUT, until)
    if value is not None and keep_for != 0:
        cache.set(key, (until, value), keep_for)
    return value


def cached_category_tree():
    """The category tree (``selectors.category_tree``) for the current catalog version."""
    return cached("tree", selectors.category_tree, priced=False)


def page_cache(view, params=(), *, priced: bool = True, visitors: bool = False):
    """
    Share whole catalog responses among stateless visitors (see
    ``shop.core.pagecache``); ``params`` are the query parameters the view
    reads; a ``priced`` response (one that shows prices) is kept no later
    than the next sale boundary; ``visitors``: the page differs between
    visitors in its header alone, so signed-in customers and other visitors
    with a session get the shared page with their own header (decision 0036).
    """
    return versioned_page_cache(
        "catalog",
        VERSION_KEY,
        current_version=catalog_version,
        timeout=lambda: settings.CATALOG_CACHE_TIMEOUT,
        params=params,
        fresh_until=sale_boundary if priced else None,
        visitors=visitors,
        variant=_prices_stated,
    )(view)
