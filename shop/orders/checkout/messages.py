"""
The message the checkout sends itself through the orders outbox (private:
other apps hear ``shop.orders.events``). Its consumer is in ``tasks.py``.
"""

from dataclasses import dataclass
from typing import ClassVar

from shop.core.events import Event


@dataclass(frozen=True)
class CheckoutExpired(Event):
    """
    Nobody paid checkout ``checkout_id`` in time (or its customer deleted their
    account): its stock is released, and ``orders.close_payment_page`` closes
    its payment page, retrying while the gateway is away. A payment that
    still arrives is turned into an order or refunded.
    """

    name: ClassVar[str] = "orders.CheckoutExpired"
    # 2: ``user_id`` is None for a guest's checkout (decision 0023).
    version: ClassVar[int] = 2

    checkout_id: str
    user_id: int | None
