"""
Builders for orders test data. A checkout is made directly (not through the
checkout saga), so these tests need neither a cart nor a payment.
"""

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shop.orders import services
from shop.orders.models import Checkout, CheckoutLine, Order

_numbers = itertools.count(1)

LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "region": "",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}
TEE = ("TEE-M", 2, "19.90")


def make_checkout(
    *,
    user_id: int,
    email: str = "ada@example.com",
    lines=(TEE,),
    shipping_method: str = "standard",
    shipping_cost="4.90",
    address: dict | None = None,
    **fields,
) -> Checkout:
    """A completed checkout; ``lines`` are ``(sku, quantity, unit price)``."""
    subtotal = sum((Decimal(price) * quantity for _sku, quantity, price in lines), Decimal(0))
    shipping_cost = Decimal(shipping_cost)
    checkout = Checkout.objects.create(
        user_id=user_id,
        email=email,
        status=Checkout.Status.COMPLETED,
        shipping_method=shipping_method,
        shipping_address=dict(address or LONDON),
        currency="EUR",
        subtotal=subtotal,
        shipping_cost=shipping_cost,
        total=subtotal + shipping_cost,
        reservation_key=f"checkout-{uuid.uuid4()}",
        expires_at=timezone.now() + timedelta(minutes=15),
        **fields,
    )
    CheckoutLine.objects.bulk_create(
        CheckoutLine(
            checkout=checkout,
            sku=sku,
            product_name=f"Product {sku}",
            variant_name="M / Blue" if sku.endswith("-M") else "",
            unit_price=Decimal(price),
            quantity=quantity,
        )
        for sku, quantity, price in lines
    )
    return checkout


def make_order(*, placed_at=None, **checkout_fields) -> Order:
    """An order placed from a new checkout (see ``make_checkout``), status paid."""
    with transaction.atomic():
        order = services.place_order(make_checkout(**checkout_fields))
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(placed_at=placed_at)
        order.refresh_from_db()
    return order
