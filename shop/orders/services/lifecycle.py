"""
The order's status machine: ``paid → shipped → delivered``, ``paid →
cancelled``, and ``refunded`` once a paid or cancelled order has all its money
back. Every step is checked against ``TRANSITIONS``, recorded in the order's
history with its actor, and announced (``OrderShipped``, ``OrderDelivered``,
``OrderCancelled``); anything else raises ``InvalidTransition``.
"""

from django.utils import timezone

from shop.catalog import public as catalog
from shop.core.messaging import publish

from ..actors import SYSTEM
from ..db import db
from ..errors import InvalidTransition, OrderNotFound
from ..events import OrderCancelled, OrderDelivered, OrderedLine, OrderShipped
from ..models import Order, OrderStatusChange, Shipment
from . import bought_cards, shipping

Status = Order.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PAID: frozenset({Status.SHIPPED, Status.CANCELLED, Status.REFUNDED}),
    Status.SHIPPED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset({Status.REFUNDED}),
    Status.REFUNDED: frozenset(),
}
# What refusing a transition to each status says: "... cannot be <verb>".
_VERBS = {
    Status.SHIPPED: "shipped",
    Status.DELIVERED: "marked delivered",
    Status.CANCELLED: "cancelled",
    Status.REFUNDED: "refunded in full",
}


def ordered_lines(order: Order, lines=None) -> tuple[OrderedLine, ...]:
    """The order's lines (``lines`` when the caller holds them) as its events carry them."""
    return tuple(
        OrderedLine(sku=line.sku, quantity=line.quantity, gift_card=line.gift_card)
        for line in (order.lines.all() if lines is None else lines)
    )


def lock_order(number: str, *, owner_id: int | None = None) -> Order:
    """The order, locked; another customer's order is not found, like a missing one."""
    order = Order.objects.select_for_update().filter(number=number).first()
    if order is None or (owner_id is not None and order.user_id != owner_id):
        raise OrderNotFound(f"No order {number!r}.", number=number)
    return order


def record(
    order: Order, to_status: str, actor: str, note: str = "", *, internal: bool = False
) -> None:
    """An entry in the order's history (``to_status`` equal to its status: a note, no move)."""
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=to_status,
        actor=actor,
        note=note[:500],
        internal=internal,
    )


def transition(order: Order, to_status: str, actor: str, note: str = "") -> None:
    """Move a locked order to ``to_status`` if ``TRANSITIONS`` allows it, and record it."""
    if to_status not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            f"Order {order.number} is {order.get_status_display().lower()}; "
            f"it cannot be {_VERBS[to_status]}.",
            status=order.status,
        )
    record(order, to_status, actor, note)
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])


def mark_shipped(number: str, *, actor: str, tracking_number: str | None = None) -> Order:
    """
    The parcel left: ``paid`` → ``shipped``. Without ``tracking_number`` the
    booked shipment's is used (booked now if the booking has not happened).
    Publishes ``orders.OrderShipped``, which mails the customer.
    """
    tracking_number = (tracking_number or "").strip()
    with db.atomic():
        order = lock_order(number)
        note = f"Tracking number {tracking_number}." if tracking_number else ""
        transition(order, Status.SHIPPED, actor, note)
        shipment = shipping.shipment_for(order, tracking_number)
        shipment.shipped_at = timezone.now()
        shipment.save(update_fields=["shipped_at"])
        publish(
            OrderShipped(
                number=order.number,
                user_id=order.user_id,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                tracking_url=shipment.tracking_url,
            )
        )
    return order


def mark_delivered(number: str, *, actor: str) -> Order:
    """``shipped`` → ``delivered``."""
    with db.atomic():
        order = lock_order(number)
        transition(order, Status.DELIVERED, actor)
        Shipment.objects.filter(order=order).update(delivered_at=timezone.now())
        publish(OrderDelivered(number=order.number, user_id=order.user_id))
    return order


def cancel_order(
    number: str, *, actor: str, reason: str = "", owner_id: int | None = None
) -> Order:
    """
    Cancel an unshipped order: ``paid`` → ``cancelled``, the booked shipment
    called off, and ``orders.OrderCancelled`` published. That event's
    consumers put the units back on hand (``restock_cancelled_order``) and
    request the full refund (``refunds.refund_cancelled_order``) once this
    has committed, each retried until its service answers: the order never
    waits on the catalog or the gateway, and no other service's change is
    made in this transaction that could roll back without it.

    With ``owner_id`` (a customer cancelling) another customer's order is not
    found. A shipped order raises ``InvalidTransition``.
    """
    reason = reason.strip()
    with db.atomic():
        order = lock_order(number, owner_id=owner_id)
        if Status.CANCELLED in TRANSITIONS[order.status]:
            bought_cards.void_for_cancel(order)
        transition(order, Status.CANCELLED, actor, reason)
        Shipment.objects.filter(order=order, shipped_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        publish(
            OrderCancelled(
                number=order.number,
                user_id=order.user_id,
                payment_reference=order.payment_reference,
                total=order.total,
                currency=order.currency,
                reason=reason,
                lines=ordered_lines(order),
            )
        )
    return order


def restock_cancelled_order(number: str) -> None:
    """
    Put a cancelled order's units back on hand (the consumer of
    ``orders.OrderCancelled``), once per order however often it runs: the
    catalog keys the return by the order. A SKU deleted from the catalog
    since cannot take stock back: it is skipped and noted for staff rather
    than blocking the rest.
    """
    order = Order.objects.filter(number=number).first()
    if order is None:
        return
    lines = [(line.sku, line.quantity) for line in order.lines.all()]
    known = catalog.get_variants(sku for sku, _quantity in lines)
    kept = [(sku, quantity) for sku, quantity in lines if sku in known]
    if kept:
        catalog.restock(f"order:{order.number}:cancel", kept)
    skipped = ", ".join(sku for sku, _quantity in lines if sku not in known)
    if skipped:
        with db.atomic():
            order = lock_order(number)
            note = f"Not restocked (no longer in the catalog): {skipped}."
            record(order, order.status, SYSTEM, note, internal=True)
