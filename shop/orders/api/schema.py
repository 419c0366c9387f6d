"""OpenAPI documentation of the orders API: error shapes, responses and examples."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

TAGS = ["orders"]

Error = inline_serializer(
    "OrdersError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="Stable, machine-readable."),
    },
)


def example(name, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, **kwargs)


def error_example(name, detail, code, **extra) -> OpenApiExample:
    return OpenApiExample(name, value={"detail": detail, "code": code, **extra})


def error(description, *examples) -> OpenApiResponse:
    return OpenApiResponse(Error, description=description, examples=list(examples))


NOT_SIGNED_IN = {
    401: error(
        "No valid access token and no signed-in browser session.",
        error_example(
            "No credentials", "Authentication credentials were not provided.", "not_authenticated"
        ),
    ),
}
CSRF = {
    403: error(
        "A browser session sent the request without its CSRF token.",
        error_example("CSRF", "CSRF Failed: CSRF token missing.", "permission_denied"),
    ),
}
ORDER_NOT_FOUND = error(
    "No order has this number, or it is someone else's.",
    error_example("Unknown", "No order '7K3Q-XM2P'.", "order_not_found", number="7K3Q-XM2P"),
)
NOT_CANCELLABLE = error(
    "The order has already shipped (or was cancelled or refunded before).",
    error_example(
        "Shipped",
        "Order 7K3Q-XM2P is shipped; it cannot be cancelled.",
        "invalid_transition",
        status="shipped",
    ),
)

LINE = {
    "sku": "TEE-M-BLUE",
    "product_name": "Organic cotton tee",
    "variant_name": "M / Blue",
    "unit_price": "19.90",
    "quantity": 2,
    "line_total": "39.80",
}
SHIPMENT = {
    "carrier": "Demo Parcel",
    "tracking_number": "DP7K3QXM2P",
    "tracking_url": "https://tracking.demo-parcel.example/track/DP7K3QXM2P",
    "shipped_at": None,
    "delivered_at": None,
    "cancelled_at": None,
}
ORDER_SUMMARY = {
    "number": "7K3Q-XM2P",
    "url": "https://shop.example.com/api/v1/orders/7K3Q-XM2P/",
    "status": "paid",
    "placed_at": "2026-11-20T14:03:11Z",
    "currency": "EUR",
    "subtotal": "39.80",
    "shipping_cost": "4.90",
    "total": "44.70",
    "refunded_amount": "0.00",
    "shipping_method": "standard",
    "lines": [LINE],
    "shipment": SHIPMENT,
    "can_cancel": True,
}
ORDER = {
    **ORDER_SUMMARY,
    "shipping_address": {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "line2": "",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "region": "",
        "country": "GB",
        "phone": "",
    },
    "history": [
        {
            "at": "2026-11-20T14:03:11Z",
            "kind": "status",
            "status": "paid",
            "by": "automatic",
            "note": "Order placed and paid.",
        },
    ],
}
CANCELLED_ORDER = {
    **ORDER,
    "status": "cancelled",
    "can_cancel": False,
    "shipment": {**SHIPMENT, "cancelled_at": "2026-11-20T15:00:00Z"},
    "history": [
        *ORDER["history"],
        {
            "at": "2026-11-20T15:00:00Z",
            "kind": "status",
            "status": "cancelled",
            "by": "you",
            "note": "Wrong size",
        },
    ],
}
