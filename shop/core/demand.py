"""
Which on-demand consumers want which events now (decision 0049).

A consumer declared under an event's ``on_demand`` in the event catalog
receives the event only while its service says it wants it: a service whose
work depends on staff's configuration (webhooks, with no endpoint registered)
costs the publishers nothing, not even a task message, until it does.

The service says so with ``want(service, event_names)`` after every change of
that configuration commits, and again periodically; the relay asks
``wanted(service, event_name)`` before sending. The record lives in the
shared cache (Redis in production, shared by every process and deployment
that relays events, as the broker is). It fails open: a record the cache
does not have (expired, evicted, Redis restarted or unreachable, a process
with its own local-memory cache) counts as wanted, so the worst a lost
record costs is messages the consumer finds nothing to do with, never a
lost event.

What a stale record can cost is bounded by the service's refresh: an event
relayed after a configuration change committed but before the record said
so (a few milliseconds after a save, or up to one refresh interval when two
changes race and the older set is written last) is not sent to the
on-demand consumer.
"""

from collections.abc import Iterable

from django.core.cache import cache

# Longer than a few refresh intervals, so one missed refresh keeps the record;
# short enough that a service that stopped refreshing (removed, stopped) is
# soon asked again.
TIMEOUT = 15 * 60
_KEY = "demand:{service}"


def want(service: str, event_names: Iterable[str]) -> None:
    """Record that ``service``'s on-demand consumers want ``event_names``, and no others."""
    cache.set(_KEY.format(service=service), sorted(set(event_names)), TIMEOUT)


def forget(service: str) -> None:
    """Drop ``service``'s record, so every event counts as wanted until it says again."""
    cache.delete(_KEY.format(service=service))


def wanted_by(services: Iterable[str]) -> dict[str, frozenset[str] | None]:
    """
    The event names each of ``services`` wants, in one cache round trip;
    ``None`` for a service with no record (which wants everything).
    """
    keys = {_KEY.format(service=service): service for service in services}
    if not keys:
        return {}
    found = cache.get_many(list(keys))
    return {
        service: frozenset(found[key]) if key in found else None for key, service in keys.items()
    }


def wanted(service: str, event_name: str) -> bool:
    """Whether the relay should send ``event_name`` to ``service``'s on-demand consumers."""
    names = wanted_by([service])[service]
    return names is None or event_name in names
