"""
Integration events the orders service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "orders.<EventName>"). Other apps may
import this module.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from shop.core.events import Event


@dataclass(frozen=True)
class OrderedLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class OrderPlaced(Event):
    """
    A paid checkout became order ``number``: the shipment is booked and the
    customer gets a confirmation. Published once per order.
    """

    name: ClassVar[str] = "orders.OrderPlaced"
    version: ClassVar[int] = 1

    number: str
    checkout_id: str
    user_id: int
    total: Decimal
    currency: str
    lines: tuple[OrderedLine, ...]


@dataclass(frozen=True)
class CheckoutExpired(Event):
    """
    Nobody paid checkout ``checkout_id`` in time: its stock is released and
    its payment page is closed by a consumer. A payment that still arrives is
    turned into an order or refunded.
    """

    name: ClassVar[str] = "orders.CheckoutExpired"
    version: ClassVar[int] = 1

    checkout_id: str
    user_id: int


@dataclass(frozen=True)
class OrderShipped(Event):
    """The parcel left the warehouse; ``tracking_url`` may be empty."""

    name: ClassVar[str] = "orders.OrderShipped"
    version: ClassVar[int] = 1

    number: str
    user_id: int
    carrier: str
    tracking_number: str
    tracking_url: str


@dataclass(frozen=True)
class OrderDelivered(Event):
    name: ClassVar[str] = "orders.OrderDelivered"
    version: ClassVar[int] = 1

    number: str
    user_id: int


@dataclass(frozen=True)
class OrderCancelled(Event):
    """
    An unshipped order was cancelled and its stock returned; the payment for
    ``payment_reference`` is refunded in full by a consumer.
    """

    name: ClassVar[str] = "orders.OrderCancelled"
    version: ClassVar[int] = 1

    number: str
    user_id: int
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
    version: ClassVar[int] = 1

    number: str
    user_id: int
    refund_id: str
    amount: Decimal
    refunded_total: Decimal
    currency: str
    fully_refunded: bool
