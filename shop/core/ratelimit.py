"""
Who is asking, for every limit the shop has: allauth's sign-in, sign-up and
password-reset limits (``shop.accounts.adapter``), the API's throttles
(``shop.core.api.throttling``) and the admin's sign-in limit
(``shop.core.adminlogin``) all count by ``client_address``.

Behind a proxy ``REMOTE_ADDR`` is the proxy, the same for every customer.
Each proxy appends the address it was reached from to ``X-Forwarded-For``,
so with ``TRUSTED_PROXY_COUNT`` proxies of ours in front, the client is the
entry that many places from the right: whatever a client writes into the
header itself stays to the left of it. The header is read only when the
request comes from one of the ``FORWARDED_ALLOW_IPS`` (the addresses gunicorn
trusts with ``X-Forwarded-Proto``), so a client that reaches the app
directly cannot name itself anyone it likes. Neither setting set (the
default): the header is ignored and the client is ``REMOTE_ADDR``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client usually holds a whole /64: limits count the network, not each address.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as the proxies we trust saw it."""
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0 and _is_trusted_proxy(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer entries than proxies: the request came in past the outer
            # ones, and the first entry is what the first proxy it met saw.
            address = _clean(hops[-min(count, len(hops))])
            if address:
                return address
    return _clean(peer) or peer or "unknown"


def limit_key(request: HttpRequest) -> str:
    """``client_address`` as limits count it: an IPv6 address stands for its /64."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def _is_trusted_proxy(peer: str) -> bool:
    allowed = tuple(settings.FORWARDED_ALLOW_IPS)
    if "*" in allowed:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        # No IP address: a UNIX socket, which only the local proxy reaches (as gunicorn sees it).
        return not peer
    return any(address in network for network in proxy_networks(allowed))


@lru_cache(maxsize=8)
def proxy_networks(entries: tuple[str, ...]) -> tuple:
    """``FORWARDED_ALLOW_IPS`` as networks ("10.0.0.0/8", "127.0.0.1"); ValueError for a bad one."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _clean(value: str) -> str:
    """``value`` as an IP address ("203.0.113.5:4711" and "[2001:db8::1]:80" lose the port)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
