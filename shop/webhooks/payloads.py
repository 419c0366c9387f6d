"""
The event types an endpoint may hear, each with a versioned JSON payload
built from an integration event. Every delivery's body is

    {"id": "<the delivery's id>", "type": "order.placed", "version": 1,
     "timestamp": "<ISO 8601, UTC>", "data": {...}}

and ``data`` is what the type's builder makes of the event. Amounts are
decimal strings in the order's currency ("12.30"). A change to what a
type's ``data`` holds is a new ``version``; README.md lists them, and the
OpenAPI schema's ``webhooks`` section describes them (``schema``).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shop.catalog import events as catalog
from shop.core.events import Event
from shop.orders import events as orders

VERSION = 1


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _lines(lines) -> list[dict]:
    return [{"sku": line.sku, "quantity": line.quantity} for line in lines]


def _order_placed(event: orders.OrderPlaced) -> dict:
    return {
        "number": event.number,
        "customer_id": event.user_id,
        "total": _money(event.total),
        "currency": event.currency,
        "lines": _lines(event.lines),
    }


def _order_shipped(event: orders.OrderShipped) -> dict:
    return {
        "number": event.number,
        "customer_id": event.user_id,
        "carrier": event.carrier,
        "tracking_number": event.tracking_number,
        "tracking_url": event.tracking_url,
    }


def _order_delivered(event: orders.OrderDelivered) -> dict:
    return {"number": event.number, "customer_id": event.user_id}


def _order_cancelled(event: orders.OrderCancelled) -> dict:
    return {
        "number": event.number,
        "customer_id": event.user_id,
        "total": _money(event.total),
        "currency": event.currency,
        "reason": event.reason,
        "lines": _lines(event.lines),
    }


def _order_refunded(event: orders.OrderRefunded) -> dict:
    return {
        "number": event.number,
        "customer_id": event.user_id,
        "refund_id": event.refund_id,
        "amount": _money(event.amount),
        "refunded_total": _money(event.refunded_total),
        "currency": event.currency,
        "fully_refunded": event.fully_refunded,
    }


def _product_updated(event: catalog.ProductUpdated) -> dict:
    return {
        "product_id": event.product_id,
        "slug": event.slug,
        "name": event.title,
        "is_active": event.is_active,
        "category_id": event.category_id,
        "variants": [
            {
                "sku": variant.sku,
                "price": _money(variant.price),
                "compare_at_price": (
                    None if variant.compare_at_price is None else _money(variant.compare_at_price)
                ),
                "is_active": variant.is_active,
            }
            for variant in event.variants
        ],
    }


def _stock_low(event: catalog.StockLow) -> dict:
    return {"sku": event.sku, "available": event.available, "threshold": event.threshold}


@dataclass(frozen=True)
class EventType:
    name: str
    event: type[Event]
    build: Callable[[Event], dict]
    description: str
    example: dict

    @property
    def consumer(self) -> str:
        """The consumer task that turns the event into deliveries (``webhooks.<verb>``)."""
        return f"webhooks.{self.name.replace('.', '_')}"


_LINES = [{"sku": "TSHIRT-M-BLUE", "quantity": 2}]
EVENT_TYPES: dict[str, EventType] = {
    entry.name: entry
    for entry in (
        EventType(
            "order.placed",
            orders.OrderPlaced,
            _order_placed,
            "A paid checkout became an order. `customer_id` is null for a guest.",
            {
                "number": "SO-2026-000042",
                "customer_id": 7,
                "total": "49.80",
                "currency": "EUR",
                "lines": _LINES,
            },
        ),
        EventType(
            "order.shipped",
            orders.OrderShipped,
            _order_shipped,
            "The order's parcel left the warehouse; `tracking_url` may be empty.",
            {
                "number": "SO-2026-000042",
                "customer_id": 7,
                "carrier": "demo-parcel",
                "tracking_number": "DP123456789",
                "tracking_url": "https://track.example/DP123456789",
            },
        ),
        EventType(
            "order.delivered",
            orders.OrderDelivered,
            _order_delivered,
            "The parcel reached the customer.",
            {"number": "SO-2026-000042", "customer_id": 7},
        ),
        EventType(
            "order.cancelled",
            orders.OrderCancelled,
            _order_cancelled,
            "An unshipped order was cancelled; its payment is refunded in full.",
            {
                "number": "SO-2026-000042",
                "customer_id": None,
                "total": "49.80",
                "currency": "EUR",
                "reason": "customer asked",
                "lines": _LINES,
            },
        ),
        EventType(
            "order.refunded",
            orders.OrderRefunded,
            _order_refunded,
            "Money went back to the customer: `amount` by this refund, `refunded_total` so far.",
            {
                "number": "SO-2026-000042",
                "customer_id": 7,
                "refund_id": "3f1c7a1e-4f51-4c55-9a3e-0d6f4f5f2b1a",
                "amount": "10.00",
                "refunded_total": "10.00",
                "currency": "EUR",
                "fully_refunded": False,
            },
        ),
        EventType(
            "product.updated",
            catalog.ProductUpdated,
            _product_updated,
            "Staff changed a product or its variants: how it stands now. "
            "Stock changes are not product updates (see stock.low).",
            {
                "product_id": 12,
                "slug": "organic-cotton-t-shirt",
                "name": "Organic cotton T-shirt",
                "is_active": True,
                "category_id": 3,
                "variants": [
                    {
                        "sku": "TSHIRT-M-BLUE",
                        "price": "24.90",
                        "compare_at_price": None,
                        "is_active": True,
                    }
                ],
            },
        ),
        EventType(
            "stock.low",
            catalog.StockLow,
            _stock_low,
            "A variant's units available for sale fell to `threshold` or below "
            "(once as it crosses; again only after it rose above and fell again).",
            {"sku": "TSHIRT-M-BLUE", "available": 5, "threshold": 5},
        ),
    )
}
BY_EVENT_NAME = {entry.event.name: entry for entry in EVENT_TYPES.values()}


def body(message_id: str, event_type: str, timestamp: datetime, data: dict) -> str:
    """The JSON text a delivery sends (and signs), in one canonical form."""
    return json.dumps(
        {
            "id": message_id,
            "type": event_type,
            "version": VERSION,
            "timestamp": timestamp.isoformat().replace("+00:00", "Z"),
            "data": data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
