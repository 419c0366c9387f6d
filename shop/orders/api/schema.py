"""OpenAPI documentation of the orders API: the operations, their answers and examples."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api.docs import CSRF, NOT_SIGNED_IN, error, error_example, example

from .serializers import (
    CancelSerializer,
    DocumentSerializer,
    OrderSerializer,
    OrderSummarySerializer,
)

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
    "regular_price": "24.90",
    "sale": {"name": "Winter sale"},
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

INVOICE = {
    "number": "INV-2026-00042",
    "kind": "invoice",
    "invoice_number": "INV-2026-00042",
    "issued_on": "2026-11-20",
    "currency": "EUR",
    "net": "37.56",
    "tax": "7.14",
    "gross": "44.70",
    "pdf_url": "https://shop.example.com/api/v1/orders/7K3Q-XM2P/invoices/INV-2026-00042/",
}
CREDIT_NOTE = {
    **INVOICE,
    "number": "CN-2026-00007",
    "kind": "credit_note",
    "issued_on": "2026-11-24",
    "net": "16.72",
    "tax": "3.18",
    "gross": "19.90",
    "pdf_url": "https://shop.example.com/api/v1/orders/7K3Q-XM2P/invoices/CN-2026-00007/",
}

UNKNOWN_DOCUMENT = error_example(
    "Unknown document",
    "No invoice or credit note 'INV-2026-00099'.",
    "document_not_found",
    number="INV-2026-00099",
)

list_invoices = extend_schema(
    tags=TAGS,
    summary="Your order's invoice and credit notes",
    operation_id="orders_invoices_list",
    description=(
        "The order's invoice (issued moments after the order is paid: an empty list "
        "until then) and a credit note for each refund, in the order issued, each with "
        "the address of its PDF."
    ),
    responses={
        200: OpenApiResponse(
            DocumentSerializer(many=True),
            examples=[example("Invoice and a credit note", [INVOICE, CREDIT_NOTE])],
        ),
        404: ORDER_NOT_FOUND,
        **NOT_SIGNED_IN,
    },
)

invoice_pdf = extend_schema(
    tags=TAGS,
    summary="The PDF of your order's invoice or credit note",
    operation_id="orders_invoices_pdf",
    description=(
        "The document as a PDF (application/pdf). Another order's document, or one "
        "not issued, is 404 document_not_found; another customer's order is "
        "404 order_not_found."
    ),
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
        404: error(
            "No such order of yours, or no such document of the order.",
            error_example("Unknown order", "No order '7K3Q-XM2P'.", "order_not_found"),
            UNKNOWN_DOCUMENT,
        ),
        **NOT_SIGNED_IN,
    },
)

list_guest_invoices = extend_schema(
    tags=TAGS,
    summary="A guest's order's invoice and credit notes",
    operation_id="orders_guest_invoices_list",
    description=(
        "As your order's documents, for an order bought without an account, by its number "
        "and the key of its emailed link; each PDF's address carries the key."
    ),
    parameters=[GUEST_KEY],
    responses={
        200: OpenApiResponse(
            DocumentSerializer(many=True),
            examples=[example("Invoice and a credit note", [INVOICE, CREDIT_NOTE])],
        ),
        404: ORDER_NOT_FOUND,
    },
)

guest_invoice_pdf = extend_schema(
    tags=TAGS,
    summary="The PDF of a guest's order's invoice or credit note",
    operation_id="orders_guest_invoices_pdf",
    description=(
        "The document as a PDF (application/pdf), by the order's number and key. A wrong "
        "key is 404 order_not_found; another order's document, or one not issued, is "
        "404 document_not_found."
    ),
    parameters=[GUEST_KEY],
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
        404: error(
            "No such order, a wrong key, or no such document of the order.",
            error_example("Unknown order", "No order '7K3Q-XM2P'.", "order_not_found"),
            UNKNOWN_DOCUMENT,
        ),
    },
)
