"""
Whether a host name or a client address is this machine (standard library
only: the settings module uses it before Django is set up).
"""

import ipaddress
import re


def is_loopback_address(address: str) -> bool:
    """127.0.0.0/8 or ::1 (an IPv4-mapped one too), with or without brackets and a port."""
    value = address.strip().strip('"').lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def is_loopback_host(host: str) -> bool:
    """
    An ``ALLOWED_HOSTS`` entry or a ``Host`` that names only this machine:
    ``localhost`` and the names under it (``.localhost`` too), or a loopback
    address. ``*``, ``0.0.0.0`` and every other name are not.
    """
    name = host.strip().lower().rstrip(".")
    if not name.startswith("[") and name.count(":") == 1:
        name = name.partition(":")[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    return is_loopback_address(name)


# The client addresses a proxy names: X-Forwarded-For and X-Real-IP list them,
# Forwarded (RFC 7239) gives each as for=...
FORWARDED_FOR = re.compile(r'for=("?)(\[[^\]]*\]|[^;,"]+)\1', re.IGNORECASE)


def forwarded_addresses(meta: dict) -> list[str]:
    """Every client address the request's forwarding headers name (none: it came directly)."""
    addresses = [
        part
        for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP")
        for part in meta.get(header, "").split(",")
        if part.strip()
    ]
    forwarded = meta.get("HTTP_FORWARDED", "")
    return addresses + [match.group(2) for match in FORWARDED_FOR.finditer(forwarded)]
