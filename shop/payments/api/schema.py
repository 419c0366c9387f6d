"""OpenAPI documentation of the payments API: error shapes, responses and examples."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)

from shop.core.api.docs import Error, error, error_example, example  # noqa: F401

TAGS = ["payments"]

STRIPE_SIGNATURE = OpenApiParameter(
    "Stripe-Signature",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="Stripe's signature of the body: t=<unix time>,v1=<HMAC-SHA256>.",
)
STRIPE_EVENT = {
    "id": "evt_1QxYz2AbCdEfGhIj",
    "object": "event",
    "type": "checkout.session.completed",
    "created": 1795000000,
    "data": {
        "object": {
            "id": "cs_test_a1B2c3",
            "object": "checkout.session",
            "payment_status": "paid",
            "status": "complete",
            "amount_total": 4990,
            "currency": "eur",
            "payment_intent": "pi_3QxYz2AbCdEf",
            "metadata": {"reference": "checkout-42", "payment_id": "8c1f…"},
        }
    },
}
TEST_PAYMENT = {
    "id": "8c1f5a3e-2b7d-4e0a-9f61-3d2c1b0a9e87",
    "reference": "checkout-42",
    "status": "succeeded",
    "amount": "49.90",
    "currency": "EUR",
    "next_url": "https://shop.example.com/checkout/42/",
}
NOT_SIGNED_IN = {
    401: error(
        "No valid access token and no signed-in browser session.",
        error_example(
            "No credentials", "Authentication credentials were not provided.", "not_authenticated"
        ),
    ),
}
