"""
Cancelling and refunding with the real payments service and its built-in
test gateway (no stand-in): the money goes back once and the order follows.
"""

from decimal import Decimal

import pytest

from shop.orders.models import Order
from shop.orders.services import lifecycle, refunds
from shop.payments.public import get_payment_for_reference

from .factories import make_order

pytestmark = pytest.mark.django_db

BOTH = ("orders", "payments")


@pytest.fixture
def paid_order(ada, gateway):
    order = make_order(user_id=ada.pk)  # paid on the test gateway
    assert get_payment_for_reference(order.payment_reference).status == "succeeded"
    return order


def test_a_cancelled_order_is_refunded_in_full_by_payments(paid_order, deliver):
    lifecycle.cancel_order(paid_order.number, actor="customer:1")
    deliver(apps=BOTH)

    payment = get_payment_for_reference(paid_order.payment_reference)
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("44.70"))
    order = Order.objects.get(pk=paid_order.pk)
    assert (order.status, order.refunded_amount) == ("refunded", Decimal("44.70"))
    assert order.refund_requests.get().status == "succeeded"


def test_partial_refunds_then_the_rest(paid_order, deliver):
    refunds.refund_order(paid_order.number, "10.00", actor="staff:1", key="a")
    deliver(apps=BOTH)
    order = Order.objects.get(pk=paid_order.pk)
    assert (order.status, order.refunded_amount) == ("paid", Decimal("10.00"))

    refunds.refund_order(paid_order.number, "34.70", actor="staff:1", key="b")
    refunds.refund_order(paid_order.number, "34.70", actor="staff:1", key="b")
    deliver(apps=BOTH)

    order = Order.objects.get(pk=paid_order.pk)
    assert (order.status, order.refunded_amount) == ("refunded", Decimal("44.70"))
    payment = get_payment_for_reference(paid_order.payment_reference)
    assert payment.refunded_amount == Decimal("44.70")
