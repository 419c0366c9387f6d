"""
Read logic of orders. A customer only ever reads through ``customer_orders``
and ``customer_order``, which filter by their user id: another customer's
order is "not found", like one that does not exist.

Lists prefetch their lines and join the shipment, so a page costs the same
few queries whatever its size.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from shop.core import prepared

from . import guests
from .actors import GUEST, SYSTEM, customer
from .db import db
from .errors import OrderNotFound
from .models import Order, OrderLine, OrderStatusChange

CUSTOMER_CANCELLABLE = frozenset({Order.Status.PAID})


def order_with_lines(number: str, *, lock: bool = False) -> Order | None:
    """
    Order ``number`` with its shipment (if any) and its lines in one query
    (the lines joined to their order), for the consumers of an order's
    events; with ``lock``, the order's row locked until the transaction ends.
    ``order_lines``, compiled once (``shop.core.prepared``).
    """
    found = prepared.read(
        ("orders.order_lines", lock),
        lambda number: order_lines(number, lock=lock),
        number,
        using=db.alias,
    )
    if not found:  # an order has lines; this reads one that somehow has none
        orders = Order.objects.select_related("shipment").filter(number=number)
        return (orders.select_for_update(of=("self",)) if lock else orders).first()
    order = found[0].order
    for line in found:
        line.order = order
    cached = order.lines.all()
    cached._result_cache, cached._prefetch_done = found, True
    order._prefetched_objects_cache = {"lines": cached}
    return order


def order_lines(number: str, *, lock: bool = False) -> QuerySet[OrderLine]:
    """
    The lines of order ``number``, each with the order and its shipment;
    with ``lock``, the order's row locked until the transaction ends.
    """
    lines = OrderLine.objects.select_related("order", "order__shipment").filter(
        order__number=number
    )
    return lines.select_for_update(of=("order",)) if lock else lines


def customer_orders(user_id: int) -> QuerySet[Order]:
    """The customer's orders, newest first, each with its lines and shipment."""
    return _with_lines(Order.objects.filter(user_id=user_id)).order_by("-placed_at", "-id")


def _with_lines(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("shipment").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")), "refund_requests"
    )


def _order_page(orders: QuerySet[Order], number: str) -> Order:
    """Order ``number`` of ``orders`` with its history too; else ``OrderNotFound``."""
    order = (
        orders.prefetch_related(
            Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("at", "id"))
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {number!r}.", number=number)
    return order


def customer_order(user_id: int, number: str) -> Order:
    """One of the customer's orders with its lines, shipment and history; else ``OrderNotFound``."""
    return _order_page(customer_orders(user_id), number)


def guest_order(number: str, key: str) -> Order:
    """
    The order a guest's link names, if ``key`` is its key (``guests``); a
    wrong key is ``OrderNotFound``, like a missing order.
    """
    if not guests.order_key_matches(number, key):
        raise OrderNotFound(f"No order {number!r}.", number=number)
    return _order_page(_with_lines(Order.objects.all()), number)


def guest_order_header(number: str, key: str) -> Order:
    """The order a guest's link names, without its lines or history (one query); else 404."""
    order = (
        Order.objects.filter(number=number).first()
        if guests.order_key_matches(number, key)
        else None
    )
    if order is None:
        raise OrderNotFound(f"No order {number!r}.", number=number)
    return order


def customer_order_header(user_id: int, number: str) -> Order:
    """One of the customer's orders without its lines or history (one query); else 404."""
    order = Order.objects.filter(user_id=user_id, number=number).first()
    if order is None:
        raise OrderNotFound(f"No order {number!r}.", number=number)
    return order


@dataclass(frozen=True)
class HistoryEntry:
    """``kind`` is "status" (the order moved to ``status``) or "refund" (money went back)."""

    at: datetime
    kind: str
    status: str
    label: str
    by: str
    note: str


def customer_history(order: Order) -> list[HistoryEntry]:
    """
    What the customer sees of an order's history: every status change (by
    "you", "us" or automatically) and the refunds payments reported, with the
    notes they or the shop's automation wrote. Staff's notes and ``internal``
    entries stay in the admin.
    """
    you = {customer(order.user_id), GUEST}
    entries = []
    for change in order.status_changes.all():
        if change.internal:
            continue
        by = "you" if change.actor in you else "automatic" if change.actor == SYSTEM else "us"
        kind = "status" if change.is_transition else "refund"
        entries.append(
            HistoryEntry(
                at=change.at,
                kind=kind,
                status=change.to_status,
                label=Order.Status(change.to_status).label if kind == "status" else "Refund",
                by=by,
                note=change.note if by != "us" else "",
            )
        )
    return entries


def can_cancel(order: Order) -> bool:
    """A customer may cancel while nothing has left the warehouse."""
    return order.status in CUSTOMER_CANCELLABLE


def order_lines_placed_between(since: datetime, until: datetime | None) -> QuerySet[OrderLine]:
    """Every line of the orders placed from ``since`` up to (not including) ``until``."""
    lines = OrderLine.objects.filter(order__placed_at__gte=since)
    if until is not None:
        lines = lines.filter(order__placed_at__lt=until)
    return lines.select_related("order").order_by("order__placed_at", "order_id", "id")


def tax_rates_of(lines: QuerySet[OrderLine]) -> list:
    """The rates charged on ``lines`` and their orders' shipping, highest first (exports)."""
    rates = set(lines.order_by().values_list("tax_rate", flat=True).distinct())
    shipping = Order.objects.filter(pk__in=lines.order_by().values("order_id"))
    rates |= set(shipping.values_list("shipping_tax_rate", flat=True).distinct())
    return sorted(rates, reverse=True)
