"""
The plain data of the payments service's public interface: what
``shop.payments.public`` takes and returns. Standard library only, so a
client of payments in another process can use these without Django.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

PaymentStatus = Literal[
    "pending", "succeeded", "failed", "canceled", "partially_refunded", "refunded"
]


@dataclass(frozen=True)
class PaymentInfo:
    """A payment as its caller sees it; ``reference`` is the caller's own identifier."""

    id: str
    reference: str
    provider: Literal["stripe", "test"]
    status: PaymentStatus
    amount: Decimal
    refunded_amount: Decimal
    currency: str
    # Where the customer goes to pay; "" once the payment is settled.
    redirect_url: str
    created_at: datetime


@dataclass(frozen=True)
class RefundInfo:
    """One refund of a payment; ``key`` is the caller's name for the request."""

    id: str
    payment_id: str
    key: str
    amount: Decimal
    status: Literal["pending", "succeeded", "failed"]
    created_at: datetime


@dataclass(frozen=True)
class RefundTotals:
    """The refunds asked for in a period that are in ``status`` now: how many, and how much."""

    status: Literal["pending", "succeeded", "failed"]
    refunds: int
    amount: Decimal


@dataclass(frozen=True)
class RefundEntry:
    """One refund, with the ``reference`` of the payment it gives back."""

    id: str
    reference: str
    amount: Decimal
    status: Literal["pending", "succeeded", "failed"]
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class FlaggedPayment:
    """A payment the gateway reported something odd about (``flag_reason``): staff must look."""

    id: str
    reference: str
    amount: Decimal
    status: PaymentStatus
    flag_reason: str
    created_at: datetime


@dataclass(frozen=True)
class PaymentReport:
    """
    For the sales dashboard: the refunds asked for from ``first_day`` to
    ``last_day`` (``refund_totals`` by status, ``refunds`` the latest of them),
    and the payments flagged now, whenever made (``flagged_count`` of them,
    ``flagged`` the latest).
    """

    first_day: date
    last_day: date
    currency: str
    refund_totals: tuple[RefundTotals, ...]
    refunds: tuple[RefundEntry, ...]
    flagged_count: int
    flagged: tuple[FlaggedPayment, ...]
