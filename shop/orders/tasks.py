"""
The orders service's tasks for an order's life: consumers of its own and
other apps' events, each named for what it does. Each runs once per event
(the inbox) and copes with events arriving in any order. The checkout's
tasks are in ``checkout/tasks.py``.
"""

from shop.accounts.events import EmailConfirmed, UserDeleted
from shop.core.messaging import consumer
from shop.payments.events import PaymentRefunded

from . import invoicing, notifications
from .events import OrderCancelled, OrderPlaced, OrderRefunded, OrderShipped
from .services import bought_cards, claiming, forgetting, lifecycle, refunds, shipping

# --- the order's life ---------------------------------------------------------------


@consumer(OrderPlaced, versions=(1, 2), name="orders.book_shipment", inbox=False)
def book_shipment(event: OrderPlaced) -> None:
    """Once by the order's one shipment, looked for under the order's lock: no inbox."""
    shipping.book_shipment(event.number)


@consumer(OrderCancelled, versions=(1, 2), name="orders.restock_cancelled_order")
def restock_cancelled_order(event: OrderCancelled) -> None:
    """Retried while the catalog does not answer; the units go back once."""
    lifecycle.restock_cancelled_order(event.number)


@consumer(OrderCancelled, versions=(1, 2), name="orders.refund_cancelled_order")
def refund_cancelled_order(event: OrderCancelled) -> None:
    """A gateway outage raises, and the task is retried with backoff until it answers."""
    refunds.refund_cancelled_order(event.number)


@consumer(PaymentRefunded, name="orders.record_refund")
def record_refund(event: PaymentRefunded) -> None:
    refunds.record_refund(
        reference=event.reference,
        refund_id=event.refund_id,
        amount=event.amount,
        refunded_total=event.refunded_total,
        fully_refunded=event.fully_refunded,
    )


@consumer(OrderPlaced, versions=(1, 2), name="orders.issue_invoice", inbox=False)
def issue_invoice(event: OrderPlaced) -> None:
    """
    Retried while invoices fails; the order gets one invoice, one number
    (decision 0025): invoices issues one per order number, so no inbox.
    """
    invoicing.issue_invoice(event.number)


@consumer(OrderPlaced, versions=(1, 2), name="orders.issue_gift_cards", inbox=False)
def issue_gift_cards(event: OrderPlaced) -> None:
    """
    A card per gift card unit bought, issued once however often run (by the
    card's key) and the codes mailed once (by the email's key), so no inbox;
    an order whose lines say they are no gift cards costs no query at all.
    """
    if all(line.gift_card is False for line in event.lines):
        return
    if bought_cards.issue_cards(event.number):
        notifications.send_order_email(
            event.number, notifications.GIFT_CARDS, f"gift-cards:{event.number}"
        )


@consumer(OrderRefunded, versions=(1, 2), name="orders.issue_credit_note")
def issue_credit_note(event: OrderRefunded) -> None:
    """One credit note per refund, after the invoice (issued first if this event came first)."""
    invoicing.issue_credit_note(event.number, refund_id=event.refund_id, amount=event.amount)


@consumer(UserDeleted, name="orders.forget_customer")
def forget_customer(event: UserDeleted) -> None:
    forgetting.forget_customer(event.user_id, event.deleted_at)


@consumer(EmailConfirmed, name="orders.claim_guest_orders")
def claim_guest_orders(event: EmailConfirmed) -> None:
    """A confirmed address's guest orders join the account (decision 0023)."""
    claiming.claim_guest_orders(event.user_id, event.email)


# --- emails to the customer ---------------------------------------------------------


@consumer(OrderPlaced, versions=(1, 2), name="orders.email_order_placed", inbox=False)
def email_order_placed(event: OrderPlaced) -> None:
    """Once by the email's key (``SentEmail``), claimed with the sending: no inbox."""
    notifications.send_order_email(event.number, notifications.PLACED, f"placed:{event.number}")


@consumer(OrderShipped, versions=(1, 2), name="orders.email_order_shipped")
def email_order_shipped(event: OrderShipped) -> None:
    notifications.send_order_email(
        event.number,
        notifications.SHIPPED,
        f"shipped:{event.number}",
        tracking_number=event.tracking_number,
        tracking_url=event.tracking_url,
        carrier=event.carrier,
    )


@consumer(OrderCancelled, versions=(1, 2), name="orders.email_order_cancelled")
def email_order_cancelled(event: OrderCancelled) -> None:
    notifications.send_order_email(
        event.number, notifications.CANCELLED, f"cancelled:{event.number}", reason=event.reason
    )


@consumer(OrderRefunded, versions=(1, 2), name="orders.email_order_refunded")
def email_order_refunded(event: OrderRefunded) -> None:
    notifications.send_order_email(
        event.number,
        notifications.REFUNDED,
        f"refunded:{event.number}:{event.refund_id}",
        refund_id=event.refund_id,
        amount=event.amount,
        refunded_total=event.refunded_total,
        fully_refunded=event.fully_refunded,
    )
