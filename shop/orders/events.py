"""
Integration events the orders service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "orders.<EventName>"). Other apps may
import this module; who hears each is declared in ``config/events.toml``.
The checkout's own message (``CheckoutExpired``) is private:
``checkout/messages.py``.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from shop.core.events import Event

# Version 2 of each order event: ``user_id`` is None for a guest's order
# (decision 0023); version 1 always had one. Consumers accept both.

__all__ = [
    "OrderCancelled",
    "OrderDelivered",
    "OrderPlaced",
    "OrderRefunded",
    "OrderShipped",
    "OrderedLine",
]


@dataclass(frozen=True)
class OrderedLine:
    sku: str
    quantity: int
    # Whether the line is a gift card (decision 0030); None in events published
    # before lines said so, when a consumer that cares must look.
    gift_card: bool | None = None


@dataclass(frozen=True)
class OrderPlaced(Event):
    """
    A paid checkout became order ``number``: the shipment is booked and the
    customer gets a confirmation. Published once per order.
    """

    name: ClassVar[str] = "orders.OrderPlaced"
    version: ClassVar[int] = 2

    number: str
    checkout_id: str
    user_id: int | None
    total: Decimal
    currency: str
    lines: tuple[OrderedLine, ...]


@dataclass(frozen=True)
class OrderShipped(Event):
    """The parcel left the warehouse; ``tracking_url`` may be empty."""

    name: ClassVar[str] = "orders.OrderShipped"
    version: ClassVar[int] = 2

    number: str
    user_id: int | None
    carrier: str
    tracking_number: str
    tracking_url: str


@dataclass(frozen=True)
class OrderDelivered(Event):
    """The parcel reached the customer (staff marked the order delivered)."""

    name: ClassVar[str] = "orders.OrderDelivered"
    version: ClassVar[int] = 2

    number: str
    user_id: int | None


@dataclass(frozen=True)
class OrderCancelled(Event):
    """
    An unshipped order was cancelled: consumers put its units back on hand and
    refund the payment for ``payment_reference`` in full.
    """

    name: ClassVar[str] = "orders.OrderCancelled"
    version: ClassVar[int] = 2

    number: str
    user_id: int | None
    payment_reference: str
    total: Decimal
    currency: str
    reason: str
    lines: tuple[OrderedLine, ...]


@dataclass(frozen=True)
class OrderRefunded(Event):
    """
    Money went back to the customer for order ``number``: ``amount`` by this
    refund, ``refunded_total`` so far; ``fully_refunded`` once it is all back.
    """

    name: ClassVar[str] = "orders.OrderRefunded"
    version: ClassVar[int] = 2

    number: str
    user_id: int | None
    refund_id: str
    amount: Decimal
    refunded_total: Decimal
    currency: str
    fully_refunded: bool
