"""
Gateway notifications in: verify, store once, process later.

A webhook is answered as soon as its event is verified and stored: storing it
publishes ``GatewayEventReceived`` through the outbox in the same
transaction, and the ``payments.process_gateway_event`` task does the work.
A replayed event id is already stored and changes nothing. The test
gateway's "Pay" and "Decline" enter here too, as events of their own, so
they take exactly the webhook's path.

An event that cannot be processed is given up (``failed_at``) and left for
staff: at once when its fields are unreadable (retrying cannot help), else
after ``PAYMENTS_EVENT_MAX_ATTEMPTS`` failed attempts of the overdue sweep.
The sweep takes the events tried least first, so one that keeps failing never
holds up newer ones.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from shop.core import tracing
from shop.core.messaging import publish

from . import metrics, selectors
from .db import db
from .errors import (
    GatewayDisabled,
    InvalidPaymentRequest,
    InvalidWebhook,
    NotPending,
    PaymentNotFound,
)
from .gateways import UnreadableEvent, gateway_for, is_test_gateway_enabled
from .gateways.builtin import OUTCOMES, TestGateway, is_page_key
from .messages import GatewayEventReceived
from .models import GatewayEvent, Payment, Provider
from .services import status

logger = logging.getLogger(__name__)

EVENT_ID_MAX_LENGTH = GatewayEvent._meta.get_field("event_id").max_length
TYPE_MAX_LENGTH = GatewayEvent._meta.get_field("type").max_length
OUTCOME_MAX_LENGTH = GatewayEvent._meta.get_field("outcome").max_length


def receive_webhook(provider: str, body: bytes, headers) -> tuple[GatewayEvent, bool]:
    """Verify and store a webhook's event; ``(event, False)`` for a replay."""
    event = gateway_for(provider).verify(body, headers)
    return record(provider, event)


def record(provider: str, event: dict) -> tuple[GatewayEvent, bool]:
    """Store ``event`` unless its id is stored already; ``True`` when it is new."""
    event_id, kind = gateway_for(provider).event_identity(event)
    if not event_id or len(event_id) > EVENT_ID_MAX_LENGTH or len(kind) > TYPE_MAX_LENGTH:
        raise InvalidWebhook("The event's id or type is missing or too long.")
    with db.atomic():
        try:
            with db.atomic():
                stored = GatewayEvent.objects.create(
                    provider=provider, event_id=event_id, type=kind, payload=event
                )
        except IntegrityError:
            logger.info("%s event %s received again; already stored", provider, event_id)
            return GatewayEvent.objects.get(provider=provider, event_id=event_id), False
        publish(GatewayEventReceived(gateway_event_id=stored.pk))
    return stored, True


def payment_on_test_gateway(payment_id, key: str) -> Payment:
    """
    The payment its page's link (``key``) lets the customer settle on the
    test gateway: one taken by the test gateway (anything else, or a wrong
    key, is not found), and only while the test gateway is switched on.
    """
    if not is_test_gateway_enabled():
        raise GatewayDisabled()
    if not is_page_key(payment_id, key):
        raise PaymentNotFound()
    payment = selectors.payment_by_id(payment_id)
    if payment.provider != Provider.TEST:
        raise PaymentNotFound()
    return payment


def settle_on_test_gateway(payment: Payment, outcome: str) -> Payment:
    """
    The test gateway's "Pay" (``"succeeded"``) or "Decline" (``"failed"``):
    recorded as a gateway event and processed like a webhook. Clicking the
    same button again is a replay; the other one, once settled, is refused.
    """
    if outcome not in OUTCOMES:
        raise InvalidPaymentRequest(f"The outcome must be one of {', '.join(OUTCOMES)}.")
    event = TestGateway.event_for(payment, outcome)
    replay = GatewayEvent.objects.filter(provider=Provider.TEST, event_id=event["id"]).exists()
    if not payment.is_pending and not replay:
        raise NotPending(status=payment.status)
    record(Provider.TEST, event)
    payment.refresh_from_db()
    return payment


@db.atomic(savepoint=False)
def process(gateway_event_id: int) -> None:
    """
    Apply a stored event to its payment, once (``processed_at``, set under
    the event's lock, says so: the task needs no inbox), in payments'
    transaction (the task's, when a task runs it; no savepoint, since what
    fails here fails the whole task). An event given up earlier is left
    alone; one whose fields are unreadable is given up now.
    """
    stored = GatewayEvent.objects.select_for_update().filter(pk=gateway_event_id).first()
    if stored is None or stored.processed_at is not None or stored.failed_at is not None:
        return
    try:
        notification = gateway_for(stored.provider).interpret(stored.payload)
    except UnreadableEvent as exc:
        stored.attempts += 1
        _give_up(stored, f"unreadable: {exc}")
        stored.save(update_fields=["attempts", "outcome", "last_error", "failed_at"])
        return
    payment = selectors.payment_for_notification(stored.provider, notification, lock=True)
    if notification.update is None:
        outcome = "acknowledged: nothing to do for this type"
    elif payment is None:
        outcome = "no payment of ours matches"
        logger.warning("%s event %s matches no payment", stored.provider, stored.event_id)
    else:
        source = f"{stored.get_provider_display()}: {stored.type}"
        # What settles the payment belongs to the purchase: it continues the
        # trace of the checkout that asked for the payment, linked to this one.
        with tracing.continued(
            payment.traceparent if payment.is_pending else "",
            f"gateway notification {stored.type}",
            {"shop.payment.id": str(payment.pk), "shop.gateway_event.id": stored.pk},
        ):
            payment = status.apply_update_locked(payment, notification.update, source=source)
        outcome = f"payment {payment.status}" + (" (flagged)" if payment.flagged else "")
    stored.payment = payment
    stored.processed_at = timezone.now()
    stored.outcome = outcome[:OUTCOME_MAX_LENGTH]
    stored.save(update_fields=["payment", "processed_at", "outcome"])


def _give_up(stored: GatewayEvent, error: str) -> None:
    """Mark ``stored`` failed: nothing processes it again until staff say so."""
    stored.failed_at = timezone.now()
    stored.last_error = error
    db.on_commit(metrics.GATEWAY_EVENTS_GIVEN_UP.inc)
    stored.outcome = f"failed: {error}"[:OUTCOME_MAX_LENGTH]
    logger.error(
        "%s event %s (%s) given up after %s attempt(s): %s. Staff: the admin's "
        "gateway notifications, filter Failed; reconcile_payments names it.",
        stored.provider,
        stored.event_id,
        stored.type,
        stored.attempts,
        error,
    )


def count_failed_attempt(gateway_event_id: int, error: Exception) -> None:
    """
    Record that processing the event failed (its own transaction: the failed
    one was rolled back), and give it up after ``PAYMENTS_EVENT_MAX_ATTEMPTS``.
    """
    with db.atomic():
        stored = GatewayEvent.objects.select_for_update().filter(pk=gateway_event_id).first()
        if stored is None or stored.processed_at is not None or stored.failed_at is not None:
            return
        stored.attempts += 1
        stored.last_error = f"{type(error).__name__}: {error}"[:2000]
        if stored.attempts >= settings.PAYMENTS_EVENT_MAX_ATTEMPTS:
            _give_up(stored, stored.last_error)
        stored.save(update_fields=["attempts", "last_error", "outcome", "failed_at"])


def process_overdue(*, limit: int = 200) -> int:
    """
    Process stored events still unprocessed ``PAYMENTS_EVENT_OVERDUE_AFTER``
    seconds after they arrived: their ``GatewayEventReceived`` was lost after
    the broker took it (a Redis restart without persistence), or processing
    them failed. Stripe does not send again an event it got a 200 for, so
    without this the payment would wait for the checkout's expiry to ask the
    gateway. Each event is processed in its own transaction; one that fails
    counts an attempt and is left for the next run, until it is given up.
    Events tried least come first, so failing ones never hold up newer ones.
    Returns how many were processed.
    """
    due = timezone.now() - timedelta(seconds=settings.PAYMENTS_EVENT_OVERDUE_AFTER)
    overdue = list(
        GatewayEvent.objects.filter(
            processed_at__isnull=True, failed_at__isnull=True, received_at__lte=due
        )
        .order_by("attempts", "received_at")
        .values_list("pk", flat=True)[:limit]
    )
    processed = 0
    for pk in overdue:
        try:
            with db.atomic():
                process(pk)
        except Exception as exc:
            logger.exception("Overdue gateway event %s could not be processed", pk)
            count_failed_attempt(pk, exc)
        else:
            processed += 1
    if overdue:
        logger.warning("Processed %s of %s overdue gateway events", processed, len(overdue))
    return processed
