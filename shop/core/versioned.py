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

Within ``read_together()`` (a block that changes nothing, such as filling a
cached page's header) ``prefetch`` reads several values in one round trip,
and ``cached`` serves them from what it read. Apps name the values that go
with a signed-in user's (``with_user``), so one round trip reads the user's
row and, say, their cart's count.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache

_read: ContextVar[dict | None] = ContextVar("versioned_read", default=None)
_with_user: list[Callable[[Any], str]] = []


def _keys(name: str) -> tuple[str, str]:
    return f"{name}:v", f"{name}:n"


def with_user(name_for_user: Callable[[Any], str]) -> None:
    """``name_for_user(user_id)`` is read together with a signed-in user's row (``for_user``)."""
    _with_user.append(name_for_user)


def for_user(user_id) -> list[str]:
    """The names read together with the row of ``user_id``."""
    return [name_for_user(user_id) for name_for_user in _with_user]


@contextmanager
def read_together() -> Iterator[None]:
    """A block that changes nothing: what ``prefetch`` reads in it serves its ``cached`` calls."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def prefetch(names: Iterable[str], also: Iterable[str] = ()) -> dict[str, Any]:
    """
    Read ``names`` in one round trip, inside ``read_together()`` (outside it,
    nothing), and with them the plain cache keys ``also``, whose values (or
    ``None``) are returned: another cached thing the same request needs
    first, such as its session.
    """
    read = _read.get()
    if read is None:
        return {}
    also = list(also)
    keys = [key for name in names for key in _keys(name) if key not in read]
    if not keys and not also:
        return {}
    found = cache.get_many([*keys, *also])
    read.update({key: found.get(key) for key in keys})
    return {key: found.get(key) for key in also}


def _fresh_version() -> int:
    return time.time_ns() // 1000


def cached(name: str, read: Callable[[], Any], timeout: int) -> Any:
    """The value of ``name``: one cache round trip, and ``read()`` on a miss."""
    version_key, value_key = _keys(name)
    found = _read.get() or {}
    if version_key not in found or value_key not in found:
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
    version_key = _keys(name)[0]
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
