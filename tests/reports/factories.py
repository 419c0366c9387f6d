"""
Orders, refunds and flagged payments on known days, for the sales
dashboard's tests: each order is placed through orders and paid on payments'
test gateway (``tests.orders.factories.make_order``), then moved to its day,
status and refunded total as later events would have left it.
"""

from datetime import datetime
from decimal import Decimal

from shop.orders.models import Order
from shop.payments import public as payments
from shop.payments.models import Payment, Refund
from tests.orders.factories import make_order


def order_on(
    placed_at: datetime,
    lines=(("TEE-M", 2, "20.00"),),
    *,
    shipping="5.00",
    status: str = "paid",
    refunded: str = "0",
) -> Order:
    """An order placed at ``placed_at``; ``lines`` are ``(sku, quantity, unit price)``."""
    order = make_order(user_id=None, lines=lines, shipping_cost=shipping)
    Order.objects.filter(pk=order.pk).update(
        placed_at=placed_at, status=status, refunded_amount=Decimal(refunded)
    )
    order.refresh_from_db()
    return order


def refund(order: Order, amount: str, *, at: datetime | None = None, reason: str = "") -> Refund:
    """A refund of ``amount`` of the order's payment through payments, asked at ``at``."""
    info = payments.refund_payment(
        reference=order.payment_reference,
        key=f"test-refund-{order.number}-{amount}",
        amount=Decimal(amount),
        reason=reason,
    )
    if at is not None:
        Refund.objects.filter(pk=info.id).update(created_at=at)
    return Refund.objects.get(pk=info.id)


def flag(order: Order, why: str = "Paid 44.70 in USD, not EUR.") -> Payment:
    payment = Payment.objects.get(reference=order.payment_reference)
    Payment.objects.filter(pk=payment.pk).update(flagged=True, flag_reason=why)
    payment.refresh_from_db()
    return payment
