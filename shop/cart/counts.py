"""
The header's count of a cart's units, kept in the cache per cart owner, so a
page served to a visitor with a session runs no query for it (decision 0036).

Each owner has a version number; the count is stored with the version read
before counting, and a different version is a miss. Every change to a cart
calls ``cart_changed``, which bumps the version when the change is made and
again when it commits: a count read from the database in between (before the
change is visible) is stored under the first bump and so is never served
after the second. Both keys expire after ``TIMEOUT``; a lost version key
restarts from a number never used before, so old counts never match it.
"""

import time
from collections.abc import Callable

from django.core.cache import cache

from .db import db

# Shorter than CART_ANONYMOUS_MAX_AGE_DAYS: an abandoned cart deleted by the
# clean-up (which announces nothing) has no count left in the cache.
TIMEOUT = 24 * 60 * 60


def _name(owner) -> str:
    who = f"u{owner.user_id}" if owner.user_id is not None else f"t{owner.token_key}"
    return f"cart:count:{who}"


def _fresh_version() -> int:
    return time.time_ns() // 1000


def cached(owner, count: Callable[[], int]) -> int:
    """The owner's count: one cache round trip, and ``count()`` on a miss."""
    name = _name(owner)
    version_key, count_key = f"{name}:v", f"{name}:n"
    found = cache.get_many([version_key, count_key])
    version, entry = found.get(version_key), found.get(count_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        cache.add(version_key, _fresh_version(), TIMEOUT)
        version = cache.get(version_key)
    count = count()
    if version is not None:
        cache.set(count_key, (version, count), TIMEOUT)
    return count


def _bump(owner) -> None:
    version_key = f"{_name(owner)}:v"
    try:
        cache.incr(version_key)
    except ValueError:
        cache.add(version_key, _fresh_version(), TIMEOUT)


def cart_changed(owner) -> None:
    """
    The cart of ``owner`` (a ``services.Owner``) changed, its lines or their
    quantities, or it was deleted: its count is read afresh.
    """
    _bump(owner)
    db.on_commit(lambda: _bump(owner))
