"""
Who is asking, and how often they may: allauth's sign-in, sign-up and
password-reset limits (``shop.accounts.adapter``), the API's throttles
(``shop.core.api.throttling``) and the admin's sign-in limit
(``shop.core.adminlogin``) all count by ``client_address``; ``consume`` is
the admin's limit where allauth is not installed.

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

import hashlib
import ipaddress
import math
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
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


# --- A limit on attempts, counted in the shared cache --------------------------


@dataclass(frozen=True)
class Rate:
    """``amount`` attempts per ``seconds``, counted per client address ("ip") or per "key"."""

    amount: int
    seconds: float
    per: str

    def __str__(self) -> str:
        return f"{self.amount}/{self.seconds:g}s/{self.per}"


UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rates(text: str) -> list[Rate]:
    """allauth's notation, ``"10/m/ip,5/5m/key"``: attempts per period, per "ip" or "key"."""
    rates = []
    for part in (part.strip() for part in (text or "").split(",")):
        if not part:
            continue
        amount, duration, *per = part.split("/")
        if len(per) > 1 or duration[-1:] not in UNITS or (per and per[0] not in ("ip", "key")):
            raise ValueError(f"Not a rate: {part!r}")
        count = float(duration[:-1]) if duration[:-1] else 1
        rate = Rate(int(amount), count * UNITS[duration[-1]], per[0] if per else "ip")
        if rate.amount < 1 or rate.seconds <= 0:
            raise ValueError(f"Not a rate: {part!r}")
        rates.append(rate)
    return rates


class Refused(Exception):
    """Too many attempts: the next one is allowed in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts; retry in {retry_after} s.")
        self.retry_after = retry_after


@dataclass
class Usage:
    """The attempt ``consume`` counted: ``rollback()`` takes it back (it succeeded)."""

    counted: list[tuple[str, float, float]] = field(default_factory=list)

    def rollback(self) -> None:
        for cache_key, seconds, moment in self.counted:
            with _locked(cache_key) as locked:
                if locked:
                    history = [when for when in cache.get(cache_key, []) if when != moment]
                    cache.set(cache_key, history, math.ceil(seconds))


def consume(request: HttpRequest, *, action: str, rates: list[Rate], key: str = "") -> Usage:
    """
    Count one attempt at ``action`` against every rate (per client address,
    per ``key``) or raise ``Refused`` with the seconds until all allow one:
    counted before the attempt is made, so parallel attempts cannot slip
    past; a refused attempt counts for nothing. The counts live in the
    cache, shared by every process when it is Redis.
    """
    keys = [_cache_key(request, action, rate, key) for rate in rates]
    now = time.time()
    with ExitStack() as stack:
        if not all(stack.enter_context(_locked(cache_key)) for cache_key in keys):
            raise Refused(1)  # another attempt holds the count for longer than it should
        histories = [
            [when for when in cache.get(cache_key, []) if when > now - rate.seconds]
            for cache_key, rate in zip(keys, rates, strict=True)
        ]
        waits = [
            # When the oldest attempt that keeps the count full leaves the window.
            sorted(history)[len(history) - rate.amount] + rate.seconds - now
            for history, rate in zip(histories, rates, strict=True)
            if len(history) >= rate.amount
        ]
        if waits:
            raise Refused(max(1, math.ceil(max(waits))))
        for cache_key, history, rate in zip(keys, histories, rates, strict=True):
            cache.set(cache_key, [*history, now], math.ceil(rate.seconds))
    return Usage(
        [(cache_key, rate.seconds, now) for cache_key, rate in zip(keys, rates, strict=True)]
    )


def _cache_key(request: HttpRequest, action: str, rate: Rate, key: str) -> str:
    source = limit_key(request) if rate.per == "ip" else hashlib.sha256(key.encode()).hexdigest()
    return f"shop:ratelimit:{action}:{rate}:{source}"


@contextmanager
def _locked(cache_key: str, wait: float = 1.0):
    """Whether this process holds ``cache_key``'s lock (at most 10 s) within ``wait`` seconds."""
    lock = f"{cache_key}:lock"
    deadline = time.monotonic() + wait
    while not cache.add(lock, 1, timeout=10):
        if time.monotonic() > deadline:
            yield False
            return
        time.sleep(0.01)
    try:
        yield True
    finally:
        cache.delete(lock)
