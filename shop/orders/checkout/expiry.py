"""
Checkouts that run out of time: the ``orders.expire_checkouts`` beat task
gives up the unpaid ones (stock back, payment page closed through
``orders.CheckoutExpired``), and completes the paid ones whose
``PaymentSucceeded`` was lost on the way.
"""

import logging

from django.utils import timezone

from shop.payments import public as payments

from .. import metrics
from ..db import db
from ..models import Checkout
from . import holds
from .completion import complete_locked_checkout

logger = logging.getLogger(__name__)

Status = Checkout.Status


def expire_checkouts(*, limit: int = 200) -> int:
    """
    Give up checkouts nobody paid in time: stock released, status
    ``expired``, ``orders.CheckoutExpired`` published (its consumer closes
    the payment page, retrying while the gateway is away). Returns how many
    expired. A payment that still arrives is handled by ``complete_checkout``.

    A checkout whose payment has succeeded is not given up but completed:
    its ``PaymentSucceeded`` was lost on the way (the outbox stops caring once
    the broker accepts a message, and a Redis broker can still lose it: a
    restart without persistence, a worker killed between taking a message
    and recording it as unacknowledged).
    """
    expired = 0
    with db.atomic():
        due = list(
            Checkout.objects.select_for_update(skip_locked=True)
            .filter(status=Status.AWAITING_PAYMENT, expires_at__lte=timezone.now())
            .order_by("expires_at")[:limit]
        )
        for checkout in due:
            if holds.is_paid(checkout):
                logger.warning(
                    "Paid checkout %s missed its PaymentSucceeded: completing", checkout.pk
                )
                try:
                    with db.atomic():
                        complete_locked_checkout(checkout)
                        db.on_commit(metrics.FOUND_PAID_AT_EXPIRY.inc)
                except Exception:
                    # Left awaiting payment for the next run; the others go on.
                    logger.exception("Could not complete paid checkout %s", checkout.pk)
                continue
            holds.give_up(checkout, "Nobody paid within the time the stock was held.")
            expired += 1
    return expired


def close_payment_page(checkout_id: str) -> None:
    """
    Expire the payment page of an expired checkout so the customer can no
    longer pay there. Raises ``payments.GatewayUnavailable`` to be retried;
    if it never succeeds the gateway expires the page itself and a late
    payment is refunded.
    """
    checkout = Checkout.objects.filter(pk=checkout_id).exclude(payment_id="").first()
    if checkout is None or checkout.status != Status.EXPIRED:
        return
    try:
        payments.cancel_payment(checkout_id)
    except payments.PaymentNotFound:
        logger.warning("Expired checkout %s has no payment to close", checkout_id)
