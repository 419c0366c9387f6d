"""
The gateways and how one is chosen. A new payment goes to Stripe when
``STRIPE_SECRET_KEY`` is set, otherwise to the built-in test gateway; every
later operation on it (refund, cancel, reconcile, its notifications) uses the
provider stored on the payment, whatever the settings say now.
"""

from django.conf import settings

from ..errors import GatewayUnavailable
from ..models import Provider
from .base import (
    CheckoutSession,
    Gateway,
    GatewayRefund,
    Notification,
    PaymentUpdate,
    UnreadableEvent,
)

__all__ = [
    "CheckoutSession",
    "Gateway",
    "GatewayRefund",
    "Notification",
    "PaymentUpdate",
    "UnreadableEvent",
    "default_provider",
    "gateway_for",
    "is_test_gateway_enabled",
]


def default_provider() -> str:
    return Provider.STRIPE if settings.STRIPE_SECRET_KEY else Provider.TEST


def is_test_gateway_enabled() -> bool:
    """On by default with DEBUG; production turns it on only explicitly."""
    return bool(settings.PAYMENTS_TEST_GATEWAY_ENABLED)


def gateway_for(provider: str) -> Gateway:
    if provider == Provider.STRIPE:
        from .stripe_checkout import StripeGateway

        return StripeGateway()
    if provider == Provider.TEST:
        from .builtin import TestGateway

        return TestGateway()
    raise GatewayUnavailable(f"Unknown payment provider {provider!r}.")
