"""
Who may scrape ``/metrics``: what is counted there (order and payment
rates, queue backlogs, every view's name) is for the shop's operators, not
the public.

- ``METRICS_TOKEN``: the scraper sends ``Authorization: Bearer <token>``.
- ``METRICS_ALLOWED_NETWORKS``: the scraper's address is in one of these
  networks. The address is the client's as ``client_address`` sees it, so
  behind proxies ``TRUSTED_PROXY_COUNT`` must say how many there are; a
  request that names a forwarded client while it is ``0`` is never admitted
  by its network (a proxy on this host would make everyone look local).
- Both set: both must hold. Neither: nobody (404); with ``DEBUG=1`` the
  networks default to loopback, so a developer's machine can look.
"""

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from ..errors import NotFound, ShopError
from ..loopback import forwarded_addresses
from ..ratelimit import client_address


class MetricsDisabled(NotFound):
    code = "metrics_disabled"
    default_detail = "Not found."


class MetricsForbidden(ShopError):
    status_code = 403
    code = "metrics_forbidden"
    default_detail = (
        "Metrics are served to the configured scraper only "
        "(METRICS_TOKEN, METRICS_ALLOWED_NETWORKS)."
    )


def refusal(request: HttpRequest) -> ShopError | None:
    """Why ``request`` may not scrape, or ``None`` if it may."""
    token = settings.METRICS_TOKEN
    networks = tuple(settings.METRICS_ALLOWED_NETWORKS)
    if not token and not networks:
        return MetricsDisabled()
    if token and not _bears(request, token):
        return MetricsForbidden()
    if networks and not _comes_from(request, networks):
        return MetricsForbidden()
    return None


def _bears(request: HttpRequest, token: str) -> bool:
    scheme, _, sent = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())


def _comes_from(request: HttpRequest, networks: tuple[str, ...]) -> bool:
    if settings.TRUSTED_PROXY_COUNT == 0 and forwarded_addresses(request.META):
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        # No IP address: a Unix socket, which only this machine reaches.
        return not request.META.get("REMOTE_ADDR") and any(
            network.is_loopback for network in parsed(networks)
        )
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in parsed(networks))


@lru_cache(maxsize=8)
def parsed(networks: tuple[str, ...]) -> tuple:
    """``METRICS_ALLOWED_NETWORKS`` as networks ("10.0.0.0/8", "::1"); ValueError for a bad one."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in networks)
