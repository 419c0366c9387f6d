"""
A value read from the database and kept in the cache under a version number
that every change to it bumps twice: when the change is made and again when
it commits. The value is stored with the version read before reading it, and
a different version is a miss, so a value read in between (before the change
is visible) is stored under the first bump and never served after the second
(the cart's header count, decision 0036; the signed-in user's row, decision
0037).

Both keys expire after the owner's ``timeout``; a lost version key restarts
from a number never used before, so old values never match it.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache


def _fresh_version() -> int:
    return time.time_ns() // 1000


def cached(name: str, read: Callable[[], Any], timeout: int) -> Any:
    """The value of ``name``: one cache round trip, and ``read()`` on a miss."""
    version_key, value_key = f"{name}:v", f"{name}:n"
    found = cache.get_many([version_key, value_key])
    version, entry = found.get(version_key), found.get(value_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        cache.add(version_key, _fresh_version(), timeout)
        version = cache.get(version_key)
    value = read()
    if version is not None:
        cache.set(value_key, (version, value), timeout)
    return value


def _bump(name: str, timeout: int) -> None:
    version_key = f"{name}:v"
    try:
        cache.incr(version_key)
    except ValueError:
        cache.add(version_key, _fresh_version(), timeout)


def changed(name: str, timeout: int, on_commit: Callable[[Callable[[], None]], None]) -> None:
    """
    What ``name`` holds changed (or is about to, in the current transaction):
    it is read afresh, and a read made before the change commits is not kept.
    """
    _bump(name, timeout)
    on_commit(lambda: _bump(name, timeout))
