"""
The checkout saga's tasks: consumers of payments' outcome and of the
checkout's own ``CheckoutExpired``, and the periodic expiry. Each consumer is
named for what it does, as the function it calls is (``config/events.toml``
says which event reaches which).
"""

from celery import shared_task

from shop.core.messaging import consumer
from shop.payments.events import PaymentFailed, PaymentSucceeded

from . import completion, expiry
from .messages import CheckoutExpired


@consumer(PaymentSucceeded, name="orders.complete_checkout")
def complete_checkout(event: PaymentSucceeded) -> None:
    completion.complete_checkout(event.reference)


@consumer(PaymentFailed, name="orders.fail_checkout")
def fail_checkout(event: PaymentFailed) -> None:
    completion.fail_checkout(event.reference, event.reason)


@consumer(CheckoutExpired, versions=(1, 2), name="orders.close_payment_page")
def close_payment_page(event: CheckoutExpired) -> None:
    expiry.close_payment_page(event.checkout_id)


@shared_task(name="orders.expire_checkouts")
def expire_checkouts() -> int:
    """Periodic (beat, every minute): checkouts nobody paid within ORDERS_CHECKOUT_TTL_MINUTES."""
    return expiry.expire_checkouts()
