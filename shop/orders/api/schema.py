"""OpenAPI documentation of the orders API: the operations, their answers and examples."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api.docs import CSRF, NOT_SIGNED_IN, error, error_example, example

from .serializers import CancelSerializer, OrderSerializer, OrderSummarySerializer

TAGS = ["orders"]

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
    "shipping_method_name": "Standard delivery (3 to 5 working days)",
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


list_orders = extend_schema(
    tags=TAGS,
    summary="Your orders",
    operation_id="orders_list",
    description="Your orders, newest first, with their lines and tracking; page_size up to 100.",
    responses={
        200: OpenApiResponse(
            OrderSummarySerializer(many=True), examples=[example("A page", ORDER_SUMMARY)]
        ),
        **NOT_SIGNED_IN,
    },
)

retrieve_order = extend_schema(
    tags=TAGS,
    summary="One of your orders",
    description=(
        "Lines, totals, the shipping address, tracking and the order's history. "
        "status is paid, shipped, delivered, cancelled or refunded."
    ),
    responses={
        200: OpenApiResponse(OrderSerializer, examples=[example("Order", ORDER)]),
        404: ORDER_NOT_FOUND,
        **NOT_SIGNED_IN,
    },
)

cancel_order = extend_schema(
    tags=TAGS,
    summary="Cancel one of your orders",
    description=(
        "While nothing has shipped: the order is cancelled at once and the full amount "
        "is refunded to the way you paid (the refund follows within moments; "
        "refunded_amount and status show it). Once shipped: 409 invalid_transition."
    ),
    request=CancelSerializer,
    examples=[example("With a reason", {"reason": "Wrong size"}, request_only=True)],
    responses={
        200: OpenApiResponse(OrderSerializer, examples=[example("Cancelled", CANCELLED_ORDER)]),
        400: error(
            "The reason is too long.",
            error_example(
                "Too long",
                "Some values are invalid.",
                "invalid",
                reason=["Ensure this field has no more than 500 characters."],
            ),
        ),
        404: ORDER_NOT_FOUND,
        409: NOT_CANCELLABLE,
        **NOT_SIGNED_IN,
        **CSRF,
    },
)

GUEST_KEY = OpenApiParameter(
    "key",
    location=OpenApiParameter.QUERY,
    required=True,
    description=(
        "The order's key, from the link in the guest's confirmation email "
        "(/orders/guest/<number>/<key>/); a wrong key answers 404 like a missing order."
    ),
)

retrieve_guest_order = extend_schema(
    tags=TAGS,
    summary="A guest's order",
    description=(
        "An order bought without an account (decision 0023), by its number and the key "
        "of its emailed link; no sign-in. The same body as your orders'."
    ),
    parameters=[GUEST_KEY],
    responses={
        200: OpenApiResponse(OrderSerializer, examples=[example("Order", ORDER)]),
        404: ORDER_NOT_FOUND,
    },
)

cancel_guest_order = extend_schema(
    tags=TAGS,
    summary="Cancel a guest's order",
    description=(
        "As cancelling one of your orders, for an order bought without an account, by "
        "its number and key: while nothing has shipped it is cancelled and refunded in full."
    ),
    parameters=[GUEST_KEY],
    request=CancelSerializer,
    examples=[example("With a reason", {"reason": "Wrong size"}, request_only=True)],
    responses={
        200: OpenApiResponse(OrderSerializer, examples=[example("Cancelled", CANCELLED_ORDER)]),
        400: error(
            "The reason is too long.",
            error_example(
                "Too long",
                "Some values are invalid.",
                "invalid",
                reason=["Ensure this field has no more than 500 characters."],
            ),
        ),
        404: ORDER_NOT_FOUND,
        409: NOT_CANCELLABLE,
    },
)
