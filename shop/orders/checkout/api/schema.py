"""OpenAPI documentation of the checkout API."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api import docs
from shop.core.idempotency import HEADER, MAX_LENGTH

from .serializers import CheckoutSerializer, StartCheckoutSerializer

TAGS = ["checkout"]


def _error(description: str, code: str, detail: str, **extra) -> OpenApiResponse:
    return docs.error(description, docs.error_example(code, detail, code, **extra))


start_checkout = extend_schema(
    tags=TAGS,
    summary="Start checkout",
    description=(
        "Buys your cart: prices from the catalog, stock reserved for "
        "ORDERS_CHECKOUT_TTL_MINUTES, and a payment to make at `payment.redirect_url`. "
        "Send an `Idempotency-Key` header: the same key returns the same checkout "
        "(200) and never reserves or charges twice. A new checkout expires your earlier "
        "one still awaiting payment (its stock goes back, its payment page closes): you "
        "hold stock for one checkout at a time."
    ),
    parameters=[
        OpenApiParameter(
            HEADER,
            location=OpenApiParameter.HEADER,
            required=False,
            description=(
                f"A unique string (a UUID) per purchase attempt, up to {MAX_LENGTH} characters."
            ),
        )
    ],
    request=StartCheckoutSerializer,
    responses={
        201: CheckoutSerializer,
        200: OpenApiResponse(CheckoutSerializer, description="The same key was seen before."),
        400: docs.error(
            "cart_empty, address_required, invalid_shipping_method, invalid_idempotency_key, "
            "invalid (fields).",
            docs.error_example("cart_empty", "Your cart is empty.", "cart_empty"),
            docs.error_example(
                "invalid_idempotency_key",
                "The Idempotency-Key is longer than 255 characters.",
                "invalid_idempotency_key",
            ),
        ),
        403: _error(
            "The email address is not confirmed yet.",
            "email_unverified",
            "Confirm your email address before checking out.",
        ),
        404: _error(
            "address_id names no address in your address book.",
            "address_not_found",
            "No such address in your address book.",
        ),
        409: docs.error(
            "Some lines are short (nothing was reserved), the key was used for another request, "
            "your earlier checkout was just paid (checkout_payment_under_way), or another "
            "checkout of yours is being started at this moment (checkout_in_progress).",
            docs.error_example(
                "out_of_stock",
                "Not enough stock: TEE-M (requested 3, available 1)",
                "out_of_stock",
                shortages=[{"sku": "TEE-M", "requested": 3, "available": 1}],
            ),
            docs.error_example(
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different checkout request.",
                "idempotency_key_reused",
            ),
            docs.error_example(
                "checkout_payment_under_way",
                "Your earlier checkout has just been paid and its order is being placed. "
                "Wait a moment before starting another.",
                "checkout_payment_under_way",
                checkout_id="3f2b…",
            ),
        ),
        503: docs.error(
            "The payment provider, or the payments service where it runs apart, did not "
            "answer; retry with the same key.",
            docs.error_example(
                "payment_gateway_unavailable",
                "The payment provider is not reachable right now.",
                "payment_gateway_unavailable",
            ),
            docs.error_example(
                "payments_unavailable",
                "The payments service is not reachable right now. Please try again.",
                "payments_unavailable",
            ),
        ),
        **docs.NOT_SIGNED_IN,
    },
)

follow_checkout = extend_schema(
    tags=TAGS,
    summary="Follow a checkout",
    description=(
        "`awaiting_payment` until the payment's outcome is known, then `completed` with "
        "the `order_number`, `failed` (payment declined: start again) or `expired`."
    ),
    responses={
        200: CheckoutSerializer,
        404: _error("Not yours or no such checkout.", "checkout_not_found", "No such checkout."),
        **docs.NOT_SIGNED_IN,
    },
)
