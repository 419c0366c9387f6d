"""
How a checkout ends once payments tells its outcome: ``complete_checkout`` on
``payments.PaymentSucceeded`` (the task of the same name), ``fail_checkout``
on ``payments.PaymentFailed``.

Each locks the checkout row first, so a late or repeated event, or the
expiry task, sees the state the previous one left. Events may arrive in any
order: a failure after a success changes nothing, a success after expiry
re-takes the stock (``commit_reservation`` takes it if it is still free) or
refunds the customer. A checkout the gift card pays in full has no payment:
``starting`` completes it at once through ``complete_checkout``.
"""

import logging

from django.db.models import prefetch_related_objects
from django.utils import timezone

from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.payments import public as payments
from shop.promotions import public as promotions

from .. import metrics, notifications
from ..db import db
from ..models import Checkout
from ..services import claiming, forgetting, placing
from . import giftcards, vouchers
from .selectors import locked_checkout, locked_checkout_with_lines

logger = logging.getLogger(__name__)

Status = Checkout.Status

FAILURE_REASONS = {
    "declined": "The payment was declined.",
    "canceled": "The payment was cancelled.",
    "expired": "The payment page expired before the payment was made.",
}


@db.atomic(savepoint=False)
def complete_checkout(reference: str) -> None:
    """
    The customer paid for checkout ``reference``: commit its stock, place
    exactly one order, take what was bought out of the cart. If the stock was
    given up in the meantime and is gone, refund the payment and tell the
    customer. (No savepoint: whatever fails here fails the consumer's whole
    transaction, which is retried.)
    """
    checkout = locked_checkout_with_lines(reference)
    if checkout is None or checkout.status == Status.COMPLETED:
        return
    complete_locked_checkout(checkout)


def complete_locked_checkout(checkout: Checkout) -> None:
    """``complete_checkout`` for a checkout the caller has locked (the expiry task's backstop)."""
    forgotten = getattr(checkout, "customer_forgotten", None)
    if forgotten is None:
        forgotten = forgetting.is_forgotten(checkout.user_id)
    if forgotten:
        catalog.release_reservation(checkout.reservation_key)
        vouchers.release(checkout)
        giftcards.release(checkout)
        _refund(
            checkout,
            "Paid after the customer deleted their account.",
            tell_customer=False,
            counted_as="customer_deleted",
        )
        return
    try:
        giftcards.commit(checkout)
    except promotions.GiftCardRefused:
        catalog.release_reservation(checkout.reservation_key)
        vouchers.release(checkout)
        reason = "Paid after the checkout expired; the gift card's balance was spent meanwhile."
        _refund(checkout, reason, tell_customer=True, counted_as="gift_card_spent")
        return
    try:
        catalog.commit_reservation(checkout.reservation_key)
    except catalog.OutOfStock:
        late = checkout.expires_at <= timezone.now()
        reason = (
            "Paid after the checkout expired; the stock was sold meanwhile."
            if late
            else "The stock held for this checkout is no longer there."
        )
        vouchers.release(checkout)
        giftcards.refund(checkout, f"{checkout.reservation_key}:unfulfillable", checkout.total)
        _refund(checkout, reason, tell_customer=True, counted_as="stock_gone")
        return
    vouchers.commit(checkout)
    # Read with the lock by complete_checkout; for the order and the cart.
    prefetch_related_objects([checkout], "lines")
    customer = checkout.user_id
    claiming.claim_for_claimed_email(checkout)
    # The customer was found not forgotten above, under the checkout's lock; a
    # guest checkout an account claimed since is that account's now, checked here.
    placing.place_order(checkout, customer_checked=checkout.user_id == customer)
    checkout.status = Status.COMPLETED
    checkout.failure_reason = ""
    checkout.save(update_fields=["status", "failure_reason", "user_id", "updated_at"])
    db.on_commit(metrics.CHECKOUT_COMPLETED.inc)
    cart.clear_cart(
        key=f"checkout:{checkout.pk}",
        # A guest's cart by its key; a claimed guest checkout still bought that cart.
        **({"cart_key": checkout.cart_key} if checkout.cart_key else {"user_id": checkout.user_id}),
        lines=[
            cart.CartLineInfo(sku=line.sku, quantity=line.quantity) for line in checkout.lines.all()
        ],
    )


def _refund(checkout: Checkout, reason: str, *, tell_customer: bool, counted_as: str) -> None:
    """
    Give the whole payment back (a gift card's part is back on the card
    already) and close the checkout as ``expired`` with ``reason``;
    ``counted_as`` is the reason's label in ``shop_checkouts_refunded``.
    """
    try:
        if checkout.payment_id:
            payments.refund_payment(
                reference=str(checkout.pk),
                key=f"checkout:{checkout.pk}:unfulfillable",
                reason=reason,
            )
    except payments.GatewayUnavailable:
        # The refund is recorded as pending and payments sends it again by
        # itself; rolling back here would lose it once Celery gave up retrying.
        logger.warning("Refund of checkout %s queued: the gateway is unreachable", checkout.pk)
    if checkout.status != Status.EXPIRED:
        db.on_commit(metrics.CHECKOUT_EXPIRED.inc)
    db.on_commit(metrics.PAID_AND_REFUNDED.labels(counted_as).inc)
    checkout.status = Status.EXPIRED
    checkout.failure_reason = f"{reason} The payment was refunded."
    checkout.save(update_fields=["status", "failure_reason", "updated_at"])
    if tell_customer:
        notifications.send_checkout_refunded_email(checkout)


@db.atomic()
def fail_checkout(reference: str, reason: str) -> None:
    """Declined or abandoned: the stock goes back; the cart is untouched for a retry."""
    checkout = locked_checkout(reference)
    if checkout is None or checkout.status != Status.AWAITING_PAYMENT:
        return
    catalog.release_reservation(checkout.reservation_key)
    vouchers.release(checkout)
    giftcards.release(checkout)
    checkout.status = Status.FAILED
    checkout.failure_reason = FAILURE_REASONS.get(reason, "The payment did not go through.")
    checkout.save(update_fields=["status", "failure_reason", "updated_at"])
    db.on_commit(metrics.CHECKOUT_FAILED.inc)
