"""OpenAPI documentation of the orders API: error shapes, responses and examples."""

from shop.core.api import docs
from shop.core.api.docs import CSRF, Error, error, error_example, example  # noqa: F401

TAGS = ["orders"]

NOT_SIGNED_IN = docs.NOT_SIGNED_IN
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
