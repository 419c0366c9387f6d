"""
Endpoints staff register. A URL is checked (``addresses.check``) when it is
set; a new secret is made on creation and on rotation and shown once. After
every change commits, the relay is told which events the enabled endpoints
want (``announce_demand``; ``signals``), and so is it every minute by beat.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from shop.core import demand

from .. import addresses, signing
from ..db import db
from ..errors import EndpointNotFound
from ..models import Endpoint
from ..payloads import EVENT_TYPES

SERVICE = "webhooks"


def clean_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    Endpoint._meta.get_field("event_types").run_validators(chosen)
    return sorted(chosen)


def create(url: str, event_types: Iterable[str], *, description: str = "", enabled=True):
    """A new endpoint, its URL checked, with a new secret (``endpoint.secret``, shown once)."""
    addresses.check(url)
    endpoint = Endpoint(
        url=url,
        description=description,
        enabled=enabled,
        event_types=clean_event_types(event_types),
        secret=signing.new_secret(),
    )
    endpoint.full_clean()
    with db.atomic():
        endpoint.save()
    return endpoint


def get(endpoint_id) -> Endpoint:
    try:
        return Endpoint.objects.get(pk=endpoint_id)
    except (Endpoint.DoesNotExist, ValueError, TypeError, ValidationError):
        raise EndpointNotFound() from None


def update(endpoint: Endpoint, **changes) -> Endpoint:
    """Change ``url``, ``description``, ``enabled`` or ``event_types``; enabling starts afresh."""
    if "url" in changes and changes["url"] != endpoint.url:
        addresses.check(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = clean_event_types(changes["event_types"])
    enabling = changes.get("enabled") is True and not endpoint.enabled
    disabling = changes.get("enabled") is False and endpoint.enabled
    for field, value in changes.items():
        setattr(endpoint, field, value)
    if enabling:
        _started_afresh(endpoint)
    if disabling:
        endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), "Disabled by staff."
    endpoint.full_clean()
    with db.atomic():
        endpoint.save()
    return endpoint


def _started_afresh(endpoint: Endpoint) -> None:
    endpoint.failing_since = None
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""


def enable(endpoint: Endpoint) -> Endpoint:
    return update(endpoint, enabled=True)


def rotate_secret(endpoint: Endpoint) -> Endpoint:
    """A new secret for ``endpoint`` (deliveries from now on are signed with it)."""
    endpoint.secret = signing.new_secret()
    with db.atomic():
        endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def delete(endpoint: Endpoint) -> None:
    with db.atomic():
        endpoint.delete()


def wanted_event_names() -> list[str]:
    """The integration events some enabled endpoint wants, by name (one query)."""
    wanted = set()
    for types in Endpoint.objects.filter(enabled=True).values_list("event_types", flat=True):
        wanted.update(types or ())
    return sorted(EVENT_TYPES[name].event.name for name in wanted if name in EVENT_TYPES)


def announce_demand() -> list[str]:
    """Tell the relay which events webhooks' on-demand consumers want now; returns them."""
    names = wanted_event_names()
    demand.want(SERVICE, names)
    return names
