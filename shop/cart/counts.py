"""
The header's count of a cart's units, kept in the cache per cart owner, so a
page served to a visitor with a session runs no query for it (decision 0036).

Each owner's count is versioned (``shop.core.versioned``): every change to a
cart calls ``cart_changed``, which bumps the version when the change is made
and again when it commits, so a count read in between is never served.
"""

from collections.abc import Callable

from shop.core import versioned

from .db import db

# Shorter than CART_ANONYMOUS_MAX_AGE_DAYS: an abandoned cart deleted by the
# clean-up (which announces nothing) has no count left in the cache.
TIMEOUT = 24 * 60 * 60


def _name(owner) -> str:
    if owner.user_id is not None:
        return _for_user(owner.user_id)
    return f"cart:count:t{owner.token_key}"


def _for_user(user_id) -> str:
    return f"cart:count:u{user_id}"


versioned.with_user(_for_user)


def cached(owner, count: Callable[[], int]) -> int:
    """The owner's count: one cache round trip, and ``count()`` on a miss."""
    return versioned.cached(_name(owner), count, TIMEOUT)


def cart_changed(owner) -> None:
    """
    The cart of ``owner`` (a ``services.Owner``) changed, its lines or their
    quantities, or it was deleted: its count is read afresh.
    """
    versioned.changed(_name(owner), TIMEOUT, db.on_commit)
