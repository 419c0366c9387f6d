"""
Letting go of what a checkout holds, the stock reserved for it and the
payment page opened for it, when it will not be paid: ``give_up`` (nobody
paid in time, or the customer deleted their account) and ``abandon`` (the
payment could not even be opened).
"""

from django.utils import timezone

from shop.catalog import public as catalog
from shop.core.messaging import publish
from shop.payments import public as payments

from .. import metrics
from ..db import db
from ..models import Checkout
from . import giftcards, vouchers
from .messages import CheckoutExpired


def is_paid(checkout: Checkout) -> bool:
    """Whether the checkout's payment has succeeded (its order may not be placed yet)."""
    if not checkout.payment_id:
        return False
    try:
        return payments.get_payment(checkout.payment_id).status == "succeeded"
    except payments.PaymentNotFound:
        return False


def give_up(checkout: Checkout, reason: str, *, save: bool = True) -> None:
    """
    A locked checkout awaiting payment becomes ``expired``: its stock goes
    back at once, and ``orders.CheckoutExpired`` has its payment page closed
    (retried while the gateway is away). A payment that still arrives is
    completed or refunded by ``completion``. Call it inside a transaction.
    """
    catalog.release_reservation(checkout.reservation_key)
    vouchers.release(checkout)
    giftcards.release(checkout)
    checkout.status = Checkout.Status.EXPIRED
    checkout.failure_reason = reason
    if save:
        checkout.save(update_fields=["status", "failure_reason", "updated_at"])
    publish(CheckoutExpired(checkout_id=str(checkout.pk), user_id=checkout.user_id))
    db.on_commit(metrics.CHECKOUT_EXPIRED.inc)


def abandon(checkout: Checkout, reason: str) -> None:
    """
    A checkout whose payment could not be opened and that nobody can resume
    (no Idempotency-Key) becomes ``failed`` and gives its stock back now.
    """
    with db.atomic():
        catalog.release_reservation(checkout.reservation_key)
        vouchers.release(checkout)
        giftcards.release(checkout)
        Checkout.objects.filter(pk=checkout.pk).update(
            status=Checkout.Status.FAILED, failure_reason=reason, updated_at=timezone.now()
        )
        db.on_commit(metrics.CHECKOUT_FAILED.inc)
