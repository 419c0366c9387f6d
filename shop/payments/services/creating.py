"""
Creating a payment and the gateway session the customer pays at. The same
reference again returns the same payment, and opens its session if the
gateway was unreachable the first time.

Everything the session needs comes with the call (the customer's email
too): asking accounts for it here would be a call back into the shop while
the shop's checkout waits on this one, and with a fixed number of web
workers on each side, enough checkouts at once would leave every worker
waiting on the other service (decision 14).
"""

import logging

from django.db import IntegrityError
from django.utils import timezone

from shop.core import tracing
from shop.core.money import format_money, quantize, store_currency

from .. import metrics
from ..db import db
from ..errors import GatewayUnavailable, InvalidPaymentRequest, PaymentConflict
from ..gateways import default_provider, gateway_for, is_test_gateway_enabled
from ..gateways.base import GatewayRefused
from ..models import Payment, Provider
from . import status
from .validation import check_amount, check_text

logger = logging.getLogger(__name__)

REFERENCE_MAX_LENGTH = Payment._meta.get_field("reference").max_length
URL_MAX_LENGTH = Payment._meta.get_field("return_url").max_length
DESCRIPTION_MAX_LENGTH = Payment._meta.get_field("description").max_length
EMAIL_MAX_LENGTH = 254


def create_payment(
    *,
    reference: str,
    amount,
    user_id: int | None,
    description: str,
    return_url: str,
    cancel_url: str,
    customer_email: str = "",
) -> Payment:
    """
    The payment for ``reference``, with a gateway session to pay at. Calling
    again with the same figures returns the same payment (and opens its
    session if the gateway was unreachable the first time); other figures
    raise ``PaymentConflict``. ``customer_email`` fills in the gateway's
    form; it is not stored here.
    """
    reference = check_text(reference, "reference", REFERENCE_MAX_LENGTH)
    amount = check_amount(amount)
    if user_id is not None and (isinstance(user_id, bool) or not isinstance(user_id, int)):
        raise InvalidPaymentRequest("The user id must be an integer, or None for a guest.")
    description = check_text(description, "description", DESCRIPTION_MAX_LENGTH, blank=True)
    return_url = check_text(return_url, "return URL", URL_MAX_LENGTH)
    cancel_url = check_text(cancel_url, "cancel URL", URL_MAX_LENGTH)
    customer_email = check_text(customer_email, "customer email", EMAIL_MAX_LENGTH, blank=True)
    currency = store_currency()
    fields = {
        "reference": reference,
        "amount": amount,
        "currency": currency,
        "user_id": user_id,
        "description": description,
        "return_url": return_url,
        "cancel_url": cancel_url,
    }
    payment = _new_payment(**fields)
    if payment is None:
        # The reference has its payment already (a retry, or a concurrent call).
        with db.atomic():
            payment = Payment.objects.select_for_update().get(reference=reference)
            if (payment.amount, payment.currency, payment.user_id) != (amount, currency, user_id):
                raise PaymentConflict(reference=reference)
    if payment.is_pending and not payment.checkout_session_id:
        _open_session(payment, customer_email)
    return payment


def _new_payment(**fields) -> Payment | None:
    """
    A new payment for the reference, or ``None`` when it has one: the insert
    comes first, as a new reference is the common case, and its unique
    reference is what tells (no read first, no savepoint).
    """
    provider = default_provider()
    if provider == Provider.TEST and not is_test_gateway_enabled():
        logger.error("No payment provider: set STRIPE_SECRET_KEY (or enable the test gateway).")
        raise GatewayUnavailable("No payment provider is set up on this site.")
    try:
        with db.atomic():
            payment = Payment.objects.create(
                provider=provider,
                refunded_amount=quantize(0),
                traceparent=tracing.current_traceparent(),
                **fields,
            )
            db.on_commit(metrics.PAYMENTS.labels(Payment.Status.PENDING).inc)
            status.log(
                payment,
                "checkout",
                f"Created for {format_money(payment.amount, payment.currency)}.",
            )
    except IntegrityError:
        return None
    return payment


def _open_session(payment: Payment, customer_email: str) -> None:
    gateway = gateway_for(payment.provider)
    try:
        session = gateway.create_session(payment, customer_email=customer_email or None)
    except GatewayRefused as refused:
        logger.error("The gateway refused a session for payment %s: %s", payment.pk, refused)
        raise GatewayUnavailable() from refused
    now = timezone.now()
    with db.atomic():
        # Only a payment without a session gets this one, and its page only
        # while it is pending; a concurrent call that got there first wins.
        opened = Payment.objects.filter(
            pk=payment.pk, checkout_session_id="", status=Payment.Status.PENDING
        ).update(checkout_session_id=session.id, redirect_url=session.url, updated_at=now)
        if opened:
            payment.checkout_session_id, payment.redirect_url = session.id, session.url
            payment.updated_at = now
            status.log(payment, "checkout", f"Payment page opened at the gateway ({session.id}).")
        else:
            locked = status.locked(payment.pk)
            if not locked.checkout_session_id:
                locked.checkout_session_id = session.id
                locked.save(update_fields=["checkout_session_id", "updated_at"])
                status.log(
                    locked, "checkout", f"Payment page opened at the gateway ({session.id})."
                )
    if not opened:
        payment.refresh_from_db()
