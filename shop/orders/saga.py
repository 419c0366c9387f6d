"""
The second half of the checkout saga: what orders does when payments
announces an outcome, and when a checkout runs out of time.

Each consumer locks the checkout row first, so a late or repeated event, or
the expiry task, sees the state the previous one left. Events may arrive in
any order: a failure after a success changes nothing, a success after expiry
re-reserves the stock (``commit_reservation`` takes it if it is still free)
or refunds the customer.
"""

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.messaging import publish
from shop.payments import public as payments

from . import services
from .events import CheckoutExpired
from .models import Checkout

logger = logging.getLogger(__name__)

Status = Checkout.Status


def _locked_checkout(reference: str) -> Checkout | None:
    try:
        checkout_id = uuid.UUID(reference)
    except ValueError:
        checkout_id = None
    checkout = Checkout.objects.select_for_update().filter(pk=checkout_id).first()
    if checkout is None:
        logger.warning("Payment event for unknown checkout %s ignored", reference)
    return checkout


@transaction.atomic
def payment_succeeded(reference: str) -> None:
    """
    The customer paid: commit the stock, place exactly one order, take what
    was bought out of the cart. If the stock was given up in the meantime and
    is gone, refund the payment and tell the customer.
    """
    checkout = _locked_checkout(reference)
    if checkout is None or checkout.status == Status.COMPLETED:
        return
    _fulfil(checkout)


def _fulfil(checkout: Checkout) -> None:
    """``payment_succeeded`` for a checkout the caller has locked."""
    if services.is_forgotten(checkout.user_id):
        catalog.release_reservation(checkout.reservation_key)
        _refund(checkout, "Paid after the customer deleted their account.", tell_customer=False)
        return
    try:
        catalog.commit_reservation(checkout.reservation_key)
    except catalog.OutOfStock:
        _refund_unfulfillable(checkout)
        return
    services.place_order(checkout)
    checkout.status = Status.COMPLETED
    checkout.failure_reason = ""
    checkout.save(update_fields=["status", "failure_reason", "updated_at"])
    cart.clear_cart(
        key=f"checkout:{checkout.pk}",
        user_id=checkout.user_id,
        lines=[
            cart.CartLineInfo(sku=line.sku, quantity=line.quantity) for line in checkout.lines.all()
        ],
    )


def _refund_unfulfillable(checkout: Checkout) -> None:
    late = checkout.expires_at <= timezone.now()
    reason = (
        "Paid after the checkout expired; the stock was sold meanwhile."
        if late
        else "The stock held for this checkout is no longer there."
    )
    _refund(checkout, reason, tell_customer=True)


def _refund(checkout: Checkout, reason: str, *, tell_customer: bool) -> None:
    """Give the whole payment back and close the checkout as ``expired`` with ``reason``."""
    try:
        payments.refund_payment(
            reference=str(checkout.pk), key=f"checkout:{checkout.pk}:unfulfillable", reason=reason
        )
    except payments.GatewayUnavailable:
        # The refund is recorded as pending and payments sends it again by
        # itself; rolling back here would lose it once Celery gave up retrying.
        logger.warning("Refund of checkout %s queued: the gateway is unreachable", checkout.pk)
    checkout.status = Status.EXPIRED
    checkout.failure_reason = f"{reason} The payment was refunded."
    checkout.save(update_fields=["status", "failure_reason", "updated_at"])
    if tell_customer:
        context = {"checkout": checkout, "shop_name": settings.SHOP_NAME}
        transaction.on_commit(lambda: _mail_refunded(checkout.email, context))


def _mail_refunded(email: str, context: dict) -> None:
    try:
        send_mail(
            f"[{settings.SHOP_NAME}] We could not complete your order",
            render_to_string("orders/emails/checkout_refunded.txt", context),
            None,
            [email],
        )
    except Exception:
        # After the commit a retry would find the event handled: log for staff.
        logger.exception("Could not mail %s about the refunded checkout", email)


@transaction.atomic
def payment_failed(reference: str, reason: str) -> None:
    """Declined or abandoned: the stock goes back; the cart is untouched for a retry."""
    checkout = _locked_checkout(reference)
    if checkout is None or checkout.status != Status.AWAITING_PAYMENT:
        return
    catalog.release_reservation(checkout.reservation_key)
    checkout.status = Status.FAILED
    checkout.failure_reason = {
        "declined": "The payment was declined.",
        "canceled": "The payment was cancelled.",
        "expired": "The payment page expired before the payment was made.",
    }.get(reason, "The payment did not go through.")
    checkout.save(update_fields=["status", "failure_reason", "updated_at"])


def expire_checkouts(*, limit: int = 200) -> int:
    """
    Give up checkouts nobody paid in time: stock released, status
    ``expired``, ``orders.CheckoutExpired`` published (its consumer closes
    the payment page, retrying while the gateway is away). Returns how many
    expired. A payment that still arrives is handled by ``payment_succeeded``.

    A checkout whose payment has succeeded is not given up but completed:
    its ``PaymentSucceeded`` was lost on the way (the outbox stops caring once
    the broker accepts a message, and a Redis broker can still lose it: a
    restart without persistence, a worker killed between taking a message
    and recording it as unacknowledged).
    """
    expired = 0
    with transaction.atomic():
        due = list(
            Checkout.objects.select_for_update(skip_locked=True)
            .filter(status=Status.AWAITING_PAYMENT, expires_at__lte=timezone.now())
            .order_by("expires_at")[:limit]
        )
        for checkout in due:
            if _paid(checkout):
                logger.warning(
                    "Paid checkout %s missed its PaymentSucceeded: completing", checkout.pk
                )
                try:
                    with transaction.atomic():
                        _fulfil(checkout)
                except Exception:
                    # Left awaiting payment for the next run; the others go on.
                    logger.exception("Could not complete paid checkout %s", checkout.pk)
                continue
            catalog.release_reservation(checkout.reservation_key)
            checkout.status = Status.EXPIRED
            checkout.failure_reason = "Nobody paid within the time the stock was held."
            checkout.save(update_fields=["status", "failure_reason", "updated_at"])
            publish(CheckoutExpired(checkout_id=str(checkout.pk), user_id=checkout.user_id))
            expired += 1
    return expired


def _paid(checkout: Checkout) -> bool:
    if not checkout.payment_id:
        return False
    try:
        return payments.get_payment(checkout.payment_id).status == "succeeded"
    except payments.PaymentNotFound:
        return False


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
