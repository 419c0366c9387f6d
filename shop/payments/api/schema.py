"""
OpenAPI documentation of the payments API: one ``extend_schema`` per view
method (``@schema.stripe_webhook`` in ``views``), with the responses and
examples it needs. The error shape is the shared ``Error`` component of
``shop.core.api.docs``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api.docs import error, error_example, example

from .serializers import (
    GatewayOutcomeSerializer,
    SettledPaymentSerializer,
    WebhookReceiptSerializer,
)

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

stripe_webhook = extend_schema(
    tags=TAGS,
    summary="Stripe webhook",
    description=(
        "Where Stripe sends events. The Stripe-Signature header is verified against "
        "STRIPE_WEBHOOK_SECRET (with STRIPE_WEBHOOK_TOLERANCE seconds of tolerance) before "
        "anything is stored; each event id is stored once, so a replay answers 200 and "
        "does nothing more. Checkout Session events (completed, async payment succeeded "
        "or failed, expired) and charge.refunded are acted on in the background; other "
        "types are acknowledged."
    ),
    parameters=[STRIPE_SIGNATURE],
    request=OpenApiTypes.OBJECT,
    examples=[example("Session completed", STRIPE_EVENT, request_only=True)],
    responses={
        200: OpenApiResponse(
            WebhookReceiptSerializer,
            examples=[example("Stored", {"received": True, "duplicate": False})],
        ),
        400: error(
            "The signature is missing, wrong or too old, or the body is not an event (not "
            "a JSON object with an id, a type and data.object; NaN, Infinity or \\u0000 in "
            "it). Nothing was stored.",
            error_example(
                "Bad signature",
                "The webhook signature could not be verified.",
                "invalid_signature",
            ),
            error_example(
                "Too old",
                "The webhook's timestamp is too old (a replayed request?).",
                "stale_signature",
            ),
            error_example(
                "No header", "The Stripe-Signature header is missing.", "missing_signature"
            ),
            error_example(
                "Not an event", "The webhook body is not a Stripe event.", "invalid_webhook"
            ),
        ),
        503: error(
            "STRIPE_WEBHOOK_SECRET is not set here; Stripe will retry.",
            error_example(
                "Not configured",
                "Webhooks from this provider are not configured here.",
                "webhook_not_configured",
            ),
        ),
    },
)

settle_on_test_gateway = extend_schema(
    tags=TAGS,
    summary="Pay or decline on the test gateway",
    description=(
        "What the test gateway's page (/payments/test/<payment id>/) does, for API "
        'clients: "succeeded" pays the payment, "failed" declines it. It takes the '
        "path of a gateway's webhook, so the order follows as it would after a real "
        "payment; status may still be pending when a worker processes it in the "
        "background. Sending the same outcome again changes nothing. Only for payments "
        "made with the test gateway, which is off in production unless "
        "PAYMENTS_TEST_GATEWAY_ENABLED is set."
    ),
    request=GatewayOutcomeSerializer,
    examples=[example("Pay", {"outcome": "succeeded"}, request_only=True)],
    responses={
        202: OpenApiResponse(
            SettledPaymentSerializer,
            examples=[example("Paid", TEST_PAYMENT)],
        ),
        400: error(
            "The outcome is missing or not one of the two.",
            error_example("Bad outcome", "Some values are invalid.", "invalid", outcome=["…"]),
        ),
        403: error(
            "The test gateway is switched off here.",
            error_example(
                "Off",
                "The test gateway is switched off on this site.",
                "test_gateway_disabled",
            ),
        ),
        404: error(
            "No test-gateway payment has this id and key.",
            error_example("Unknown", "No such payment.", "payment_not_found"),
        ),
        409: error(
            "The payment was settled already (the other button was pressed).",
            error_example(
                "Settled",
                "This payment is no longer waiting to be paid.",
                "payment_not_pending",
                status="failed",
            ),
        ),
    },
)
