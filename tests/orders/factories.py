"""
Builders for orders test data. A checkout is made directly (not through the
checkout saga), so these tests need no cart; ``make_order`` pays for the
order on payments' built-in test gateway, so refunds go through the real
payments service.
"""

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shop.orders.db import db as orders_db
from shop.orders.models import Checkout, CheckoutLine, Order
from shop.orders.services import placing
from shop.payments import inbound
from shop.payments import public as payments
from shop.payments.gateways.builtin import TestGateway
from shop.payments.models import GatewayEvent, Payment

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
    """
    An order placed from a new checkout (see ``make_checkout``), status paid,
    and paid for on the test gateway.
    """
    with orders_db.atomic():
        order = placing.place_order(make_checkout(**checkout_fields))
        pay_on_test_gateway(order)
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(placed_at=placed_at)
        order.refresh_from_db()
    return order


def pay_on_test_gateway(order: Order) -> None:
    """The customer's payment for ``order``, taken by the test gateway."""
    info = payments.create_payment(
        reference=order.payment_reference,
        amount=order.total,
        user_id=order.user_id,
        description=f"Order {order.number}",
        return_url="http://testserver/checkout/done/",
        cancel_url="http://testserver/checkout/cancelled/",
    )
    payment = Payment.objects.get(pk=info.id)
    inbound.settle_on_test_gateway(payment, "succeeded")
    event_id = TestGateway.event_for(payment, "succeeded")["id"]
    inbound.process(GatewayEvent.objects.get(event_id=event_id).pk)
