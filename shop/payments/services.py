"""
Write logic of payments: creating a payment and its gateway session, moving
its status, refunding and cancelling.

``apply_update`` is the one place a payment's status changes, whoever learnt
of the change (a webhook, the test gateway, a cancel, a reconcile). It locks
the payment row, moves the status only forward, and publishes the event of
each transition in the same transaction, so an event is published once
however many times the news arrives and in whatever order.

Gateway calls are made holding no row lock (nobody waits on a payment while
the network is slow); what they return is applied in a short locked
transaction afterwards.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from shop.accounts.public import UserNotFound, get_user
from shop.core.messaging import publish
from shop.core.money import from_minor_units, quantize, store_currency, to_minor_units

from . import selectors
from .errors import (
    GatewayUnavailable,
    InvalidAmount,
    InvalidPaymentRequest,
    PaymentConflict,
    RefundNotAllowed,
)
from .events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from .gateways import PaymentUpdate, default_provider, gateway_for, is_test_gateway_enabled
from .gateways.base import GatewayRefused
from .messages import RefundUnsent
from .models import MONEY, Payment, PaymentLogEntry, Provider, Refund

logger = logging.getLogger(__name__)

REFERENCE_MAX_LENGTH = Payment._meta.get_field("reference").max_length
KEY_MAX_LENGTH = Refund._meta.get_field("key").max_length
URL_MAX_LENGTH = Payment._meta.get_field("return_url").max_length
DESCRIPTION_MAX_LENGTH = Payment._meta.get_field("description").max_length
MAX_AMOUNT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
Status = Payment.Status


# --- checking input ---------------------------------------------------------------------


def check_text(value, what: str, max_length: int, *, blank: bool = False) -> str:
    if not isinstance(value, str) or (not blank and not value.strip()):
        kind = "a string" if blank else "a non-empty string"
        raise InvalidPaymentRequest(f"The {what} must be {kind}.")
    if len(value) > max_length:
        raise InvalidPaymentRequest(f"The {what} must be at most {max_length} characters.")
    return value


def check_amount(value) -> Decimal:
    """A positive amount with no more precision than the store currency's minor unit."""
    try:
        amount = Decimal(value) if isinstance(value, (Decimal, int, str)) else None
    except InvalidOperation:
        amount = None
    if isinstance(value, bool) or amount is None or not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount of money.")
    if amount <= 0 or amount >= MAX_AMOUNT or quantize(amount) != amount:
        raise InvalidAmount()
    return quantize(amount)


def money(amount: Decimal, currency: str) -> str:
    return f"{amount} {currency.upper()}"


# --- the log and the status machine ----------------------------------------------------


def log(payment: Payment, source: str, message: str) -> None:
    PaymentLogEntry.objects.create(
        payment=payment, source=source[:50], message=message, status=payment.status
    )


def _locked(payment_pk) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_pk)


def _flag(payment: Payment, source: str, reason: str) -> None:
    """Ask staff to look: something was paid or refunded that the status cannot show."""
    if payment.flagged and payment.flag_reason == reason:
        return
    payment.flagged, payment.flag_reason = True, reason
    payment.save(update_fields=["flagged", "flag_reason", "updated_at"])
    log(payment, source, f"Flagged for staff: {reason}")
    logger.warning("Payment %s (%s) flagged: %s", payment.pk, payment.reference, reason)


def _settle(payment: Payment, status: str, **fields) -> None:
    payment.status = status
    payment.settled_at = timezone.now()
    payment.redirect_url = ""
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save()


def _succeed(payment: Payment, update: PaymentUpdate, source: str) -> None:
    currency = payment.currency
    asked = to_minor_units(payment.amount, currency)
    if payment.status in (Status.FAILED, Status.CANCELED):
        _flag(
            payment,
            source,
            f"the gateway reports it paid after it was {payment.status}; no order will "
            "follow, so refund it at the gateway.",
        )
        return
    if payment.status != Status.PENDING:
        return
    same_currency = update.currency.upper() == currency.upper()
    if update.amount_paid != asked or not same_currency:
        if same_currency and update.amount_paid is not None:
            paid = money(from_minor_units(update.amount_paid, currency), currency)
        else:
            paid = f"{update.amount_paid} minor units of {update.currency.upper() or '?'}"
        _flag(
            payment,
            source,
            f"the gateway reports {paid} paid but {money(payment.amount, currency)} was asked "
            "for; no order is placed. Refund it at the gateway.",
        )
        return
    _settle(payment, Status.SUCCEEDED)
    log(payment, source, f"Paid {money(payment.amount, currency)}.")
    publish(
        PaymentSucceeded(
            reference=payment.reference,
            payment_id=str(payment.pk),
            amount=payment.amount,
            currency=currency,
        )
    )


def _fail(payment: Payment, update: PaymentUpdate, source: str) -> None:
    if payment.status != Status.PENDING:
        return
    status = Status.FAILED if update.status == "failed" else Status.CANCELED
    reason = update.reason or ("declined" if status == Status.FAILED else "canceled")
    _settle(payment, status, failure_reason=reason)
    log(payment, source, f"{payment.get_status_display()} ({reason}).")
    publish(PaymentFailed(reference=payment.reference, payment_id=str(payment.pk), reason=reason))


def _count_refund(payment: Payment, refund: Refund, source: str) -> None:
    """Add a succeeded refund to the payment's refunded amount and announce it."""
    payment.refunded_amount += refund.amount
    fully = payment.refunded_amount >= payment.amount
    payment.status = Status.REFUNDED if fully else Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    log(
        payment,
        source,
        f"Refunded {money(refund.amount, payment.currency)} "
        f"({money(payment.refunded_amount, payment.currency)} in all).",
    )
    publish(
        PaymentRefunded(
            reference=payment.reference,
            payment_id=str(payment.pk),
            refund_id=str(refund.pk),
            amount=refund.amount,
            refunded_total=payment.refunded_amount,
            currency=payment.currency,
            fully_refunded=fully,
        )
    )


def _in_progress(payment: Payment) -> Decimal:
    pending = payment.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount"))
    return pending["total"] or Decimal(0)


def _refunded_at_gateway(payment: Payment, total_minor: int, source: str) -> None:
    """
    The gateway has refunded ``total_minor`` in all (a refund made in its
    dashboard, or ours): record what we did not ask for ourselves. Refunds we
    asked for that are still in progress count as known, so ours are never
    recorded twice.
    """
    total = min(from_minor_units(total_minor, payment.currency), payment.amount)
    known = payment.refunded_amount + _in_progress(payment)
    if total <= known:
        return
    if payment.status not in (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED):
        _flag(
            payment,
            source,
            f"the gateway reports {money(total, payment.currency)} refunded on a payment "
            f"that is {payment.status} here.",
        )
        return
    refund, created = Refund.objects.get_or_create(
        key=f"gateway:{payment.pk}:{total_minor}",
        defaults={
            "payment": payment,
            "amount": total - known,
            "status": Refund.Status.SUCCEEDED,
            "reason": "Refunded at the gateway",
        },
    )
    if created:
        _count_refund(payment, refund, source)


def apply_update(payment_pk, update: PaymentUpdate, *, source: str) -> Payment:
    """
    Apply what the gateway says about a payment, forward only: a payment that
    left pending never goes back, a late "failed" after "succeeded" changes
    nothing, and money the status cannot account for (paid after a cancel, a
    different amount) flags the payment for staff instead.
    """
    with transaction.atomic():
        payment = _locked(payment_pk)
        if update.payment_intent_id and not payment.payment_intent_id:
            payment.payment_intent_id = update.payment_intent_id
            payment.save(update_fields=["payment_intent_id", "updated_at"])
        if update.status == "succeeded":
            _succeed(payment, update, source)
        elif update.status in ("failed", "canceled"):
            _fail(payment, update, source)
        if update.refunded_total is not None:
            _refunded_at_gateway(payment, update.refunded_total, source)
    return payment


# --- creating and cancelling ------------------------------------------------------------


def _customer_email(user_id: int) -> str | None:
    try:
        return get_user(user_id).email or None
    except UserNotFound:
        return None


def create_payment(
    *,
    reference: str,
    amount,
    user_id: int,
    description: str,
    return_url: str,
    cancel_url: str,
) -> Payment:
    """
    The payment for ``reference``, with a gateway session to pay at. Calling
    again with the same figures returns the same payment (and opens its
    session if the gateway was unreachable the first time).
    """
    reference = check_text(reference, "reference", REFERENCE_MAX_LENGTH)
    amount = check_amount(amount)
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise InvalidPaymentRequest("The user id must be an integer.")
    description = check_text(description, "description", DESCRIPTION_MAX_LENGTH, blank=True)
    return_url = check_text(return_url, "return URL", URL_MAX_LENGTH)
    cancel_url = check_text(cancel_url, "cancel URL", URL_MAX_LENGTH)
    currency = store_currency()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=reference).first()
        if payment is None:
            payment = _new_payment(
                reference=reference,
                amount=amount,
                currency=currency,
                user_id=user_id,
                description=description,
                return_url=return_url,
                cancel_url=cancel_url,
            )
        elif (payment.amount, payment.currency, payment.user_id) != (amount, currency, user_id):
            raise PaymentConflict(reference=reference)
    if payment.is_pending and not payment.checkout_session_id:
        _open_session(payment)
    return payment


def _new_payment(**fields) -> Payment:
    provider = default_provider()
    if provider == Provider.TEST and not is_test_gateway_enabled():
        logger.error("No payment provider: set STRIPE_SECRET_KEY (or enable the test gateway).")
        raise GatewayUnavailable("No payment provider is set up on this site.")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(provider=provider, **fields)
    except IntegrityError:
        # Created by a concurrent call for the same reference.
        return Payment.objects.select_for_update().get(reference=fields["reference"])
    log(payment, "checkout", f"Created for {money(payment.amount, payment.currency)}.")
    return payment


def _open_session(payment: Payment) -> None:
    gateway = gateway_for(payment.provider)
    email = _customer_email(payment.user_id) if payment.provider == Provider.STRIPE else None
    try:
        session = gateway.create_session(payment, customer_email=email)
    except GatewayRefused as refused:
        logger.error("The gateway refused a session for payment %s: %s", payment.pk, refused)
        raise GatewayUnavailable() from refused
    with transaction.atomic():
        locked = _locked(payment.pk)
        if not locked.checkout_session_id:
            locked.checkout_session_id = session.id
            if locked.is_pending:
                locked.redirect_url = session.url
            locked.save(update_fields=["checkout_session_id", "redirect_url", "updated_at"])
            log(locked, "checkout", f"Payment page opened at the gateway ({session.id}).")
    payment.refresh_from_db()


def cancel_payment(reference: str) -> Payment:
    """
    Stop a pending payment: its gateway session is expired and the payment
    canceled. A payment the customer paid first comes back succeeded.
    """
    payment = selectors.payment_by_reference(reference)
    if not payment.is_pending:
        return payment
    try:
        update = gateway_for(payment.provider).cancel(payment)
    except GatewayRefused as refused:
        logger.error("The gateway refused to cancel payment %s: %s", payment.pk, refused)
        raise GatewayUnavailable() from refused
    return apply_update(payment.pk, update, source="cancel")


# --- refunds ----------------------------------------------------------------------------


def refund_payment(
    *, reference: str, key: str, amount=None, reason: str = "", source: str = "refund request"
) -> Refund:
    """
    Give back ``amount`` (all that is left when ``None``). ``key`` names the
    request: the same key again returns the same refund, resuming it if the
    gateway could not be reached the first time. After ``GatewayUnavailable``
    the refund stays pending and the ``payments.send_refund`` task sends it
    again by itself until the gateway answers.
    """
    key = check_text(key, "refund key", KEY_MAX_LENGTH)
    amount = None if amount is None else check_amount(amount)
    reason = check_text(reason, "reason", Refund._meta.get_field("reason").max_length, blank=True)
    with transaction.atomic():
        payment = _locked(selectors.payment_by_reference(reference).pk)
        refund = Refund.objects.select_for_update().filter(key=key).first()
        if refund is not None:
            if refund.payment_id != payment.pk or amount not in (None, refund.amount):
                raise PaymentConflict(
                    "This refund key was already used for a different refund.", key=key
                )
        else:
            refund = _new_refund(payment, key, amount, reason, source)
    refund.refresh_from_db()
    if refund.status == Refund.Status.PENDING:
        try:
            refund = send_refund(refund.pk, source=source)
        except GatewayUnavailable:
            with transaction.atomic():
                publish(RefundUnsent(refund_id=str(refund.pk)))
            raise
    return refund


def _new_refund(payment: Payment, key: str, amount, reason: str, source: str) -> Refund:
    left = payment.refundable_amount - _in_progress(payment)
    if left <= 0:
        detail = (
            f"A {payment.get_status_display().lower()} payment has nothing to refund."
            if payment.status not in (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED)
            else "Everything paid has been refunded (or is being refunded) already."
        )
        raise RefundNotAllowed(detail, refundable="0.00")
    amount = left if amount is None else amount
    if amount > left:
        raise RefundNotAllowed(
            f"At most {money(left, payment.currency)} can be refunded.", refundable=str(left)
        )
    refund = Refund.objects.create(payment=payment, key=key, amount=amount, reason=reason)
    why = f": {reason}" if reason else ""
    log(payment, source, f"Refund of {money(amount, payment.currency)} requested{why}.")
    return refund


def resend_refund(refund_pk) -> None:
    """Send a refund again if it is still pending (after an outage); see ``tasks.send_refund``."""
    if Refund.objects.filter(pk=refund_pk, status=Refund.Status.PENDING).exists():
        send_refund(refund_pk, source="retry")


def send_refund(refund_pk, *, source: str) -> Refund:
    """Ask the gateway for a pending refund (again: it is idempotent) and record its answer."""
    refund = Refund.objects.select_related("payment").get(pk=refund_pk)
    result = gateway_for(refund.payment.provider).refund(refund.payment, refund)
    with transaction.atomic():
        payment = _locked(refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.gateway_refund_id = result.id
        refund.status = result.status
        refund.failure_message = result.failure_message
        refund.save()
        if result.status == Refund.Status.SUCCEEDED:
            _count_refund(payment, refund, source)
        elif result.status == Refund.Status.FAILED:
            log(
                payment,
                source,
                f"Refund of {money(refund.amount, payment.currency)} refused by the gateway: "
                f"{result.failure_message or 'no reason given'}.",
            )
    return refund
