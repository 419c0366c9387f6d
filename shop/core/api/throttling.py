"""
The API's throttles: DRF's, counted in the shared cache (Redis in
production, so every process counts together).

Every request counts against the caller's allowance: a signed-in caller's
own (``user``), anyone else's by client address (``anon``,
``shop.core.ratelimit.limit_key``, which reads ``X-Forwarded-For`` only
behind the proxies we trust). Changes (POST, PUT, PATCH, DELETE: cart lines,
checkout, addresses, the profile, cancelling an order) also count against a
tighter one (``user_write``, ``anon_write``). Over either, the answer is 429
``{"detail", "code": "throttled", "retry_after": seconds}`` with a
``Retry-After`` header (``shop.core.api.exceptions``).

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, from the
``API_THROTTLE_*`` variables (README, "Configuration"); an empty one means
no limit. Not throttled as clients are: Stripe's webhook (signed, from
Stripe's addresses: ``throttle_classes = ()``), the internal endpoint other
services call (signed; not a DRF view) and allauth's headless endpoints
(allauth's own limits).
"""

import math

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ..ratelimit import limit_key


class ClientRateThrottle(SimpleRateThrottle):
    """Every request: ``user`` per signed-in user, ``anon`` per client address."""

    writes_only = False

    def __init__(self):
        """The rate depends on who asks: chosen in ``allow_request``."""

    def allow_request(self, request, view):
        if self.writes_only and request.method in SAFE_METHODS:
            return True
        self.signed_in = bool(getattr(request.user, "is_authenticated", False))
        self.scope = ("user" if self.signed_in else "anon") + ("_write" if self.writes_only else "")
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read at each request, so that a changed setting counts at once (tests, reloads).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    def get_cache_key(self, request, view) -> str:
        ident = f"user-{request.user.pk}" if self.signed_in else limit_key(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> int:
        """Whole seconds until the oldest counted request leaves the window (at least 1)."""
        return max(1, math.ceil(super().wait() or 0))


class WriteRateThrottle(ClientRateThrottle):
    """Changes only: ``user_write`` per signed-in user, ``anon_write`` per client address."""

    writes_only = True
