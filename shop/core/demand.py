"""
STAND-IN until the lead's ``shop.core.demand`` lands on main (then main's
replaces this file whole): the event names a service's on-demand consumers
want now, recorded in the shared cache.
"""

from collections.abc import Iterable

from django.core.cache import cache

TTL = 5 * 60


def _key(service: str) -> str:
    return f"shop:demand:{service}"


def want(service: str, event_names: Iterable[str]) -> None:
    cache.set(_key(service), sorted(set(event_names)), TTL)


def wanted(service: str) -> frozenset[str] | None:
    found = cache.get(_key(service))
    return None if found is None else frozenset(found)


def wants(service: str, event_name: str) -> bool:
    """Whether ``service`` wants ``event_name`` now; yes when nothing is recorded (fails open)."""
    found = wanted(service)
    return found is None or event_name in found
