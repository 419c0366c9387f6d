"""
Cancelling an unshipped order returns its stock and refunds it in full, once;
staff refund part of an order; the order follows what payments reports.

payments' ``refund_payment`` is the ``gateway`` stand-in here (it
announces each refund with ``payments.PaymentRefunded`` as payments does).
"""

from decimal import Decimal

import pytest

from shop.catalog.models import StockMovement, Variant
from shop.core.events import from_payload
from shop.orders import tasks
from shop.orders.events import OrderCancelled, OrderRefunded
from shop.orders.models import Order, OutboxMessage, RefundRequest, Shipment
from shop.orders.public import InvalidRefund, InvalidTransition
from shop.orders.services import lifecycle, refunds, shipping
from shop.payments.public import GatewayUnavailable
from tests.catalog.factories import make_product

from .conftest import run_consumers
from .factories import make_order

pytestmark = pytest.mark.django_db

CUSTOMER = "customer:1"


@pytest.fixture
def tee():
    return make_product("Tee", variants=[{"sku": "TEE-M", "stock_on_hand": 3}]).variants.get()


def stock(sku: str) -> int:
    return Variant.objects.get(sku=sku).stock_on_hand


def refreshed(order) -> Order:
    order.refresh_from_db()
    return order


def test_cancelling_puts_the_units_back_and_refunds_everything(ada, tee, gateway, deliver):
    order = make_order(user_id=ada.pk, lines=[("TEE-M", 2, "19.90")])

    lifecycle.cancel_order(order.number, actor=f"customer:{ada.pk}", reason="Wrong size")
    deliver()

    assert stock("TEE-M") == 5
    assert [(r.payment.reference, r.key, r.amount, r.status) for r in gateway.refunds()] == [
        (order.payment_reference, f"order:{order.number}:cancel", Decimal("44.70"), "succeeded")
    ]
    order = refreshed(order)
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_amount == order.total == Decimal("44.70")
    assert [(c.from_status, c.to_status) for c in order.status_changes.filter(internal=False)] == [
        ("", "paid"),
        ("paid", "cancelled"),
        ("cancelled", "refunded"),
    ]
    assert order.status_changes.get(from_status="paid", to_status="cancelled").note == "Wrong size"


def test_the_cancellation_is_announced_with_the_payment_to_refund(ada, tee):
    order = make_order(user_id=ada.pk)

    lifecycle.cancel_order(order.number, actor=CUSTOMER, reason="Changed my mind")

    (message,) = OutboxMessage.objects.filter(event_name=OrderCancelled.name)
    event = from_payload(OrderCancelled, message.payload)
    assert (event.number, event.payment_reference, event.total, event.reason) == (
        order.number,
        order.payment_reference,
        Decimal("44.70"),
        "Changed my mind",
    )


def test_a_redelivered_cancellation_refunds_and_restocks_once(ada, tee, gateway):
    order = make_order(user_id=ada.pk)
    lifecycle.cancel_order(order.number, actor=CUSTOMER)
    message = OutboxMessage.objects.get(event_name=OrderCancelled.name)

    run_consumers(message)
    run_consumers(message)
    tasks.refund_cancelled_order.handler(from_payload(OrderCancelled, message.payload))

    assert len(gateway.refunds()) == 1
    assert RefundRequest.objects.filter(order=order).count() == 1
    assert StockMovement.objects.filter(key__contains=order.number).count() == 1
    assert stock("TEE-M") == 5


def test_a_gateway_outage_leaves_the_refund_to_a_retry(ada, tee, gateway, deliver):
    order = make_order(user_id=ada.pk)
    lifecycle.cancel_order(order.number, actor=CUSTOMER)
    gateway.down = True

    with pytest.raises(GatewayUnavailable):
        deliver()

    assert refreshed(order).status == Order.Status.CANCELLED
    assert not RefundRequest.objects.exists()
    gateway.down = False
    run_consumers(OutboxMessage.objects.get(event_name=OrderCancelled.name))
    deliver()
    assert refreshed(order).status == Order.Status.REFUNDED
    assert len(gateway.refunds()) == 1


def test_cancelling_calls_off_the_booked_shipment(ada, tee):
    order = make_order(user_id=ada.pk)
    shipping.book_shipment(order.number)

    lifecycle.cancel_order(order.number, actor=CUSTOMER)

    assert Shipment.objects.get(order=order).cancelled_at is not None
    assert shipping.book_shipment(order.number).cancelled_at is not None


def test_a_shipped_order_cannot_be_cancelled_nor_restocked(ada, tee):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor="staff:1")

    with pytest.raises(InvalidTransition):
        lifecycle.cancel_order(order.number, actor=CUSTOMER)

    assert stock("TEE-M") == 3
    assert not OutboxMessage.objects.filter(event_name=OrderCancelled.name).exists()


def test_a_sku_gone_from_the_catalog_does_not_block_the_cancellation(ada, tee, gateway, deliver):
    order = make_order(user_id=ada.pk, lines=[("TEE-M", 1, "19.90"), ("GONE", 1, "5.00")])

    lifecycle.cancel_order(order.number, actor=CUSTOMER)
    deliver()

    assert stock("TEE-M") == 4
    assert refreshed(order).status == Order.Status.REFUNDED  # cancelled, then paid back
    assert (
        "GONE" in order.status_changes.filter(internal=True, note__contains="restocked").get().note
    )


def test_partial_refunds_keep_the_status_until_everything_is_back(ada, gateway, deliver):
    order = make_order(user_id=ada.pk)  # 44.70

    refunds.refund_order(order.number, "10.00", actor="staff:1", key="a")
    deliver()
    order = refreshed(order)
    assert (order.status, order.refunded_amount) == ("paid", Decimal("10.00"))

    refunds.refund_order(order.number, Decimal("34.70"), actor="staff:1", key="b")
    deliver()
    order = refreshed(order)
    assert (order.status, order.refunded_amount) == ("refunded", Decimal("44.70"))
    assert [request.amount for request in order.refund_requests.all()] == [
        Decimal("10.00"),
        Decimal("34.70"),
    ]
    refunded = [
        from_payload(OrderRefunded, m.payload)
        for m in OutboxMessage.objects.filter(event_name=OrderRefunded.name)
    ]
    assert [(e.amount, e.refunded_total, e.fully_refunded) for e in refunded] == [
        (Decimal("10.00"), Decimal("10.00"), False),
        (Decimal("34.70"), Decimal("44.70"), True),
    ]


def test_a_full_refund_of_a_shipped_order_records_the_money_and_keeps_the_status(
    ada, gateway, deliver
):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor="staff:1")

    refunds.refund_order(order.number, order.total, actor="staff:1", key="return")
    deliver()

    order = refreshed(order)
    assert (order.status, order.refunded_amount) == ("shipped", order.total)


def test_the_same_refund_key_twice_refunds_once(ada, gateway, deliver):
    order = make_order(user_id=ada.pk)

    first = refunds.refund_order(order.number, "5.00", actor="staff:1", key="k1")
    deliver()
    second = refunds.refund_order(order.number, "5.00", actor="staff:1", key="k1")
    deliver()

    assert first.pk == second.pk
    assert len(gateway.refunds()) == 1
    assert refreshed(order).refunded_amount == Decimal("5.00")


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "1.001", "44.71", "NaN"])
def test_a_refund_amount_that_is_not_positive_or_more_than_is_left_is_refused(ada, gateway, amount):
    order = make_order(user_id=ada.pk)

    with pytest.raises(InvalidRefund):
        refunds.refund_order(order.number, amount, actor="staff:1", key="x")

    assert gateway.refunds() == []


def test_a_refunded_order_takes_no_more_refunds(ada, gateway, deliver):
    order = make_order(user_id=ada.pk)
    refunds.refund_order(order.number, order.total, actor="staff:1", key="all")
    deliver()

    with pytest.raises(InvalidTransition):
        refunds.refund_order(order.number, "1.00", actor="staff:1", key="more")


def test_a_refund_the_gateway_did_not_answer_stays_pending_and_resumes_with_its_key(
    ada, gateway, deliver
):
    order = make_order(user_id=ada.pk)
    gateway.down = True

    with pytest.raises(GatewayUnavailable):
        refunds.refund_order(order.number, "5.00", actor="staff:1", key="k")

    pending = RefundRequest.objects.get()
    assert (pending.status, pending.refund_id) == ("pending", "")
    gateway.down = False
    refunds.refund_order(order.number, "5.00", actor="staff:1", key="k")
    deliver()
    resumed = RefundRequest.objects.get()
    assert resumed.refund_id and resumed.status == "succeeded"
    assert refreshed(order).refunded_amount == Decimal("5.00")


def test_refund_reports_arriving_out_of_order_keep_the_highest_total(ada):
    order = make_order(user_id=ada.pk)  # 44.70
    reported = {"reference": order.payment_reference, "amount": Decimal("10.00")}

    refunds.record_refund(
        **reported, refund_id="re_2", refunded_total=Decimal("44.70"), fully_refunded=True
    )
    refunds.record_refund(
        **reported, refund_id="re_1", refunded_total=Decimal("10.00"), fully_refunded=False
    )

    order = refreshed(order)
    assert (order.status, order.refunded_amount) == ("refunded", Decimal("44.70"))


def test_a_refund_for_a_payment_that_never_became_an_order_is_ignored():
    assert (
        refunds.record_refund(
            reference="no-such-checkout",
            refund_id="re_1",
            amount=Decimal("5"),
            refunded_total=Decimal("5"),
            fully_refunded=True,
        )
        is None
    )
