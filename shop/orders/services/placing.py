"""
Placing an order: the paid checkout becomes an ``Order``, exactly once. The
order keeps its own copy of the checkout's lines, address and totals, is
recorded as paid, and is announced with ``orders.OrderPlaced`` (which books
the shipment and mails the confirmation). ``checkout.completion`` calls it.
"""

import secrets

from shop.core.db import insert_new
from shop.core.messaging import publish

from .. import metrics
from ..actors import SYSTEM
from ..checkout.taxing import TAXED_LINE, TAXED_TOTALS
from ..db import db
from ..events import OrderPlaced
from ..models import Checkout, Order, OrderLine, OrderStatusChange
from . import forgetting, lifecycle

# Crockford's base32 without I, L, O and U: read aloud or typed, nothing is ambiguous.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_ATTEMPTS = 5


def new_order_number() -> str:
    """
    "7K3Q-XM2P": random rather than sequential, so a number says nothing about
    how many orders the shop takes and cannot be guessed from another one.
    """
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def place_order(checkout: Checkout, *, customer_checked: bool = False) -> Order:
    """
    The order for a paid ``checkout``: created on the first call, the same one
    on every later call. ``customer_checked``: the caller knows the customer
    was not forgotten (``forgetting``), so the order needs no second look.

    The insert is tried first rather than looked up first (the first call is
    the common one), with ``INSERT … ON CONFLICT DO NOTHING``, so no savepoint
    is needed: a later call, or one racing another for the same checkout,
    inserts nothing against the one-to-one constraint and returns the first
    order. Call it inside the caller's transaction.
    """
    for _attempt in range(NUMBER_ATTEMPTS):
        order = _new_order(checkout, new_order_number())
        if insert_new(order, using=db.alias):
            return _fill_order(order, checkout, customer_checked)
        existing = Order.objects.filter(checkout_id=checkout.pk).first()
        if existing is not None:
            return existing
        # Otherwise the random number was taken: draw another.
    raise RuntimeError(f"No free order number after {NUMBER_ATTEMPTS} attempts.")


def _new_order(checkout: Checkout, number: str) -> Order:
    return Order(
        number=number,
        checkout=checkout,
        user_id=checkout.user_id,
        email=checkout.email,
        status=Order.Status.PAID,
        currency=checkout.currency,
        subtotal=checkout.subtotal,
        shipping_cost=checkout.shipping_cost,
        total=checkout.total,
        shipping_method=checkout.shipping_method,
        shipping_method_name=checkout.shipping_method_name,
        shipping_carrier=checkout.shipping_carrier,
        shipping_address=checkout.shipping_address,
        payment_reference=str(checkout.pk),
        **{field: getattr(checkout, field) for field in TAXED_TOTALS},
    )


def _fill_order(order: Order, checkout: Checkout, customer_checked: bool) -> Order:
    """The new order's lines, its first status and ``OrderPlaced``."""
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            sku=line.sku,
            product_name=line.product_name,
            variant_name=line.variant_name,
            unit_price=line.unit_price,
            regular_price=line.regular_price,
            sale_name=line.sale_name,
            quantity=line.quantity,
            gift_card=line.gift_card,
            **{field: getattr(line, field) for field in TAXED_LINE},
        )
        for line in checkout.lines.all()
    )
    OrderStatusChange.objects.create(
        order=order, to_status=Order.Status.PAID, actor=SYSTEM, note="Order placed and paid."
    )
    if not customer_checked:
        forgetting.anonymise_if_forgotten(order)
    db.on_commit(metrics.ORDERS_PLACED.inc)
    publish(
        OrderPlaced(
            number=order.number,
            checkout_id=str(checkout.pk),
            user_id=order.user_id,
            total=order.total,
            currency=order.currency,
            lines=lifecycle.ordered_lines(order, lines),
        )
    )
    return order
