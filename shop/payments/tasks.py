"""The payments service's Celery tasks: consumers of its own private messages, and a sweep."""

from celery import shared_task

from shop.accounts.events import UserDeleted
from shop.core.messaging import consumer

from . import inbound, privacy
from .messages import GatewayEventReceived, RefundUnsent
from .services import refunds


@consumer(GatewayEventReceived, name="payments.process_gateway_event", inbox=False)
def process_gateway_event(event: GatewayEventReceived) -> None:
    """
    Apply a verified, stored gateway event (a webhook, a test-gateway click) to
    its payment; once by the stored event's ``processed_at``, so without an inbox.
    """
    inbound.process(event.gateway_event_id)


@consumer(RefundUnsent, name="payments.send_refund")
def send_refund(event: RefundUnsent) -> None:
    """
    Send a refund the gateway did not answer, with its original idempotency
    key. While the gateway is still down this raises ``GatewayUnavailable``
    and Celery retries with backoff; a refund settled meanwhile is left alone.
    """
    refunds.resend_refund(event.refund_id)


@consumer(UserDeleted, name="payments.forget_customer")
def forget_customer(event: UserDeleted) -> None:
    """The customer's details in stored gateway notifications are scrubbed; the payments stay."""
    privacy.forget_customer(event.user_id)


@shared_task(name="payments.process_overdue_gateway_events")
def process_overdue_gateway_events() -> int:
    """Periodic: stored gateway events whose processing message was lost; returns how many."""
    return inbound.process_overdue()
