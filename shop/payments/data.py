"""
The plain data of the payments service's public interface: what
``shop.payments.public`` takes and returns. Standard library only, so a
client of payments in another process can use these without Django.
"""

from dataclasses import dataclass
from datetime import datetime
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
