"""OpenAPI documentation of the checkout API."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api import docs
from shop.core.idempotency import HEADER, MAX_LENGTH

from .serializers import (
    CheckoutSerializer,
    ShippingOptionsQuerySerializer,
    ShippingOptionsSerializer,
    StartCheckoutSerializer,
)

TAGS = ["checkout"]


def _error(description: str, code: str, detail: str, **extra) -> OpenApiResponse:
    return docs.error(description, docs.error_example(code, detail, code, **extra))


SHIPPING_UNAVAILABLE_EXAMPLE = docs.error_example(
    "shipping_unavailable",
    "We do not deliver to Brazil.",
    "shipping_unavailable",
    country="BR",
    reason="country",
)
SHIPPING_UNAVAILABLE = docs.error(
    "No shipping zone serves the address's country (`reason` country), or none of its "
    "methods takes this order, heavier than every weight band (`reason` order). Nothing "
    "was held.",
    SHIPPING_UNAVAILABLE_EXAMPLE,
)

CART_TOKEN = OpenApiParameter(
    "X-Cart-Token",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A guest's (not signed in): the token of their anonymous cart.",
)
INVALID_CART_TOKEN_EXAMPLE = docs.error_example(
    "invalid_cart_token",
    "The X-Cart-Token header does not hold a cart token this shop issued.",
    "invalid_cart_token",
)
INVALID_CART_TOKEN = docs.error(
    "A guest's X-Cart-Token is not one the shop issued.", INVALID_CART_TOKEN_EXAMPLE
)

start_checkout = extend_schema(
    tags=TAGS,
    summary="Start checkout",
    description=(
        "Buys your cart: prices from the catalog, stock reserved for "
        "ORDERS_CHECKOUT_TTL_MINUTES, and a payment to make at `payment.redirect_url`. "
        "Send an `Idempotency-Key` header: the same key returns the same checkout "
        "(200) and never reserves or charges twice. A new checkout expires your earlier "
        "one still awaiting payment (its stock goes back, its payment page closes): you "
        "hold stock for one checkout at a time. The shipping method must be one offered "
        "for the address's country (`GET /api/v1/checkout/shipping-options/?country=`); a "
        "country the shop does not deliver to is refused (422 `shipping_unavailable`) "
        "before anything is held. Without signing in, check out as a guest: send the "
        "`X-Cart-Token` of your cart, an `email` and a `shipping_address` (decision 0023); "
        "follow the checkout with the same header. Guests are limited per client address "
        "(429) and to ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL checkouts awaiting payment per "
        "email (409 `too_many_open_checkouts`). A `gift_card_code` pays what the card can of "
        "the total after tax (decision 0030) and the payment is for the rest; a card that pays "
        "everything completes the checkout at once (201 `completed`, no payment). Entering a "
        "code is limited per client address (PROMOTIONS_GIFT_CARD_RATE, 429)."
    ),
    parameters=[
        CART_TOKEN,
        OpenApiParameter(
            HEADER,
            location=OpenApiParameter.HEADER,
            required=False,
            description=(
                f"A unique string (a UUID) per purchase attempt, up to {MAX_LENGTH} characters."
            ),
        ),
    ],
    request=StartCheckoutSerializer,
    examples=[
        docs.example(
            "To your default address",
            {"shipping_method": "standard"},
            request_only=True,
        ),
        docs.example(
            "Paid with a gift card",
            {"shipping_method": "standard", "gift_card_code": "K7QM-R3XP-W9TD-HF4C"},
            request_only=True,
        ),
    ],
    responses={
        201: CheckoutSerializer,
        200: OpenApiResponse(CheckoutSerializer, description="The same key was seen before."),
        400: docs.error(
            "cart_empty, address_required, invalid_shipping_method, invalid_idempotency_key, "
            "invalid (fields); for a guest email_required, invalid_cart_token.",
            docs.error_example("cart_empty", "Your cart is empty.", "cart_empty"),
            docs.error_example(
                "email_required",
                "Give the email address your order confirmation should go to.",
                "email_required",
            ),
            INVALID_CART_TOKEN_EXAMPLE,
            docs.error_example(
                "invalid_idempotency_key",
                "The Idempotency-Key is longer than 255 characters.",
                "invalid_idempotency_key",
            ),
        ),
        422: docs.error(
            "No zone delivers there (`shipping_unavailable`, nothing held); the voucher or gift "
            "card cannot be used (`voucher_…`, `gift_card_unknown`, `gift_card_expired`, "
            "`gift_card_rest_too_small`, or `gift_card_for_gift_card`: the cart holds a gift "
            "card).",
            SHIPPING_UNAVAILABLE_EXAMPLE,
            docs.error_example(
                "gift_card_unknown", "This gift card code is not valid.", "gift_card_unknown"
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
            "your earlier checkout was just paid (checkout_payment_under_way), another "
            "checkout of yours is being started at this moment (checkout_in_progress), or "
            "(a guest) too many checkouts await payment for the email (too_many_open_checkouts), "
            "or nothing is left on the gift card (gift_card_empty) or the voucher's uses are "
            "taken (voucher_used_up).",
            docs.error_example(
                "gift_card_empty", "Nothing is left on this gift card.", "gift_card_empty"
            ),
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
            docs.error_example(
                "too_many_open_checkouts",
                "There are already checkouts waiting for payment for this email address. "
                "Pay one of them, or wait until they expire, before starting another.",
                "too_many_open_checkouts",
                limit=3,
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
        "the `order_number`, `failed` (payment declined: start again) or `expired`. "
        "A guest sends the `X-Cart-Token` that started it; another cart's is a 404."
    ),
    parameters=[CART_TOKEN],
    responses={
        200: CheckoutSerializer,
        400: INVALID_CART_TOKEN,
        404: _error("Not yours or no such checkout.", "checkout_not_found", "No such checkout."),
        **docs.NOT_SIGNED_IN,
    },
)

shipping_options = extend_schema(
    tags=TAGS,
    summary="Delivery options for a country",
    description=(
        "The shipping methods offered to `country`, each priced for your cart as it is now "
        "(its value and weight: rates may go by either, and a method may be free from an "
        "order value). Send one's `code` as `shipping_method` when you start the checkout; "
        "the price is worked out again then. A guest sends their cart's `X-Cart-Token`."
    ),
    parameters=[ShippingOptionsQuerySerializer, CART_TOKEN],
    responses={
        200: ShippingOptionsSerializer,
        400: docs.error(
            "`country` is missing or not a country code, or (a guest) the X-Cart-Token is "
            "not one the shop issued.",
            docs.error_example("invalid", "Some values are invalid.", "invalid"),
            INVALID_CART_TOKEN_EXAMPLE,
        ),
        422: SHIPPING_UNAVAILABLE,
        **docs.NOT_SIGNED_IN,
    },
)
