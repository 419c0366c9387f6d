"""The checkout saga's tasks: consumers of payments' events and the expiry of unpaid checkouts."""

from celery import shared_task

from shop.core.messaging import consumer
from shop.payments.events import PaymentFailed, PaymentSucceeded

from . import saga
from .events import CheckoutExpired


@consumer(PaymentSucceeded, name="orders.place_order")
def place_order(event: PaymentSucceeded) -> None:
    saga.payment_succeeded(event.reference)


@consumer(PaymentFailed, name="orders.fail_checkout")
def fail_checkout(event: PaymentFailed) -> None:
    saga.payment_failed(event.reference, event.reason)


@consumer(CheckoutExpired, name="orders.close_payment_page")
def close_payment_page(event: CheckoutExpired) -> None:
    saga.close_payment_page(event.checkout_id)


@shared_task(name="orders.expire_checkouts")
def expire_checkouts() -> int:
    """Periodic (beat, every minute): checkouts nobody paid within ORDERS_CHECKOUT_TTL_MINUTES."""
    return saga.expire_checkouts()
