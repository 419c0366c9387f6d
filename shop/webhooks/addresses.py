"""
Where a webhook may go (server-side request forgery). An endpoint's host is
resolved and every address it resolves to must be public; the request then
connects to the address that was checked (``sending``), so a second lookup
cannot answer differently (DNS rebinding). Checked when staff register the
URL and again before every attempt.

Refused unless ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` is on (the tests'
receiver on loopback): loopback, private (RFC 1918, and the like), link-local
(169.254.0.0/16 with the clouds' metadata service, fe80::/10), shared address
space (CGNAT, 100.64.0.0/10), multicast, reserved, unspecified, IPv6 unique
local (fc00::/7) and site-local (fec0::/10) addresses, and any of those
carried inside an IPv6 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible
::a.b.c.d, NAT64 64:ff9b::/96, 6to4, Teredo). Plain ``http`` is refused
unless ``WEBHOOKS_ALLOW_HTTP`` is on.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from .errors import UnsafeURL

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A URL checked for sending: where to connect, and what to call the host."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    packed = int(address)
    if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d, deprecated IPv4-compatible
        return ipaddress.IPv4Address(packed)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address, and so is any IPv4 inside it."""
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (address.version == 4 and address in _CGNAT)
        or (address.version == 6 and address.is_site_local)
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an address literal is its own), in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def check(url: str) -> Target:
    """
    The target ``url`` names, once its scheme and every address its host
    resolves to are allowed; ``UnsafeURL`` with a stable code otherwise.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise UnsafeURL("The URL cannot be read.", code="webhook_url_invalid") from None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise UnsafeURL(
            "The URL must be absolute, http or https, with a host and no credentials.",
            code="webhook_url_invalid",
        )
    if parts.scheme == "http" and not settings.WEBHOOKS_ALLOW_HTTP:
        raise UnsafeURL(
            "The URL must be https (WEBHOOKS_ALLOW_HTTP is off).", code="webhook_url_not_https"
        )
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeURL(
            f"The host {host} has no address.", code="webhook_url_unresolvable", host=host
        )
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text.split("%", 1)[0])):
                raise UnsafeURL(
                    f"The host {host} is or resolves to {text}, which is not a public address.",
                    code="webhook_url_forbidden_address",
                    host=host,
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
