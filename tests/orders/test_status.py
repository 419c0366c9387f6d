"""
An order moves paid → shipped → delivered, or paid → cancelled; anything else
is refused with a clear error, and every step is recorded with who and when.
"""

import pytest

from shop.core.events import from_payload
from shop.orders.carriers import Booking, Carrier, DeliveryRequest, DemoCarrier
from shop.orders.events import OrderDelivered, OrderShipped
from shop.orders.models import Order, OutboxMessage, Shipment
from shop.orders.public import InvalidTransition, OrderNotFound
from shop.orders.services import lifecycle, shipping

from .factories import make_order

pytestmark = pytest.mark.django_db

STAFF = "staff:7"


def history(order) -> list[tuple[str, str, str]]:
    return [
        (change.from_status, change.to_status, change.actor)
        for change in order.status_changes.filter(internal=False)
    ]


def events(event_type) -> list:
    return [
        from_payload(event_type, message.payload)
        for message in OutboxMessage.objects.filter(event_name=event_type.name)
    ]


def test_shipping_then_delivering_records_each_step_with_its_actor(ada):
    order = make_order(user_id=ada.pk)

    lifecycle.mark_shipped(order.number, actor=STAFF)
    lifecycle.mark_delivered(order.number, actor="staff:8")

    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert history(order) == [
        ("", "paid", "system"),
        ("paid", "shipped", STAFF),
        ("shipped", "delivered", "staff:8"),
    ]
    shipment = order.shipment
    assert shipment.shipped_at <= shipment.delivered_at


def test_shipping_without_a_tracking_number_books_the_demo_carrier(ada, settings):
    settings.ORDERS_CARRIER = "shop.orders.carriers.DemoCarrier"
    order = make_order(user_id=ada.pk)

    lifecycle.mark_shipped(order.number, actor=STAFF)

    shipment = Shipment.objects.get(order=order)
    assert shipment.carrier == "Demo Parcel"
    assert shipment.tracking_number == "DP" + order.number.replace("-", "")
    assert shipment.tracking_url.startswith("https://")
    assert shipment.tracking_number in shipment.tracking_url
    assert events(OrderShipped) == [
        OrderShipped(
            number=order.number,
            user_id=ada.pk,
            carrier="Demo Parcel",
            tracking_number=shipment.tracking_number,
            tracking_url=shipment.tracking_url,
        )
    ]


def test_a_tracking_number_typed_by_staff_replaces_the_booked_one(ada):
    order = make_order(user_id=ada.pk)
    shipping.book_shipment(order.number)

    lifecycle.mark_shipped(order.number, actor=STAFF, tracking_number=" 1Z999AA10123456784 ")

    shipment = Shipment.objects.get(order=order)
    assert shipment.tracking_number == "1Z999AA10123456784"
    assert "1Z999AA10123456784" in order.status_changes.last().note


def test_booking_twice_keeps_one_shipment(ada):
    order = make_order(user_id=ada.pk)

    first = shipping.book_shipment(order.number)
    second = shipping.book_shipment(order.number)

    assert first.pk == second.pk
    assert Shipment.objects.filter(order=order).count() == 1


class RecordingCarrier(Carrier):
    name = "Recording"
    requests: list[DeliveryRequest] = []

    def arrange_delivery(self, request):
        self.requests.append(request)
        return Booking(tracking_number=f"R-{len(self.requests)}", tracking_url="")


def test_the_configured_carrier_gets_the_order_number_address_and_lines(ada, settings):
    settings.ORDERS_CARRIER = f"{__name__}.RecordingCarrier"
    RecordingCarrier.requests = []
    order = make_order(user_id=ada.pk, shipping_method="express")

    shipment = shipping.book_shipment(order.number)

    assert shipment.carrier == "Recording"
    (request,) = RecordingCarrier.requests
    assert request.order_number == order.number
    assert request.shipping_method == "express"
    assert request.address["postal_code"] == "SW1Y 4JH"
    assert request.lines == (("TEE-M", 2),)


def test_demo_carrier_gives_the_same_booking_for_the_same_order():
    carrier = DemoCarrier()
    request = DeliveryRequest(
        order_number="7K3Q-XM2P", shipping_method="standard", address={}, lines=()
    )

    assert carrier.arrange_delivery(request) == carrier.arrange_delivery(request)


def test_delivering_announces_it(ada):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor=STAFF)

    lifecycle.mark_delivered(order.number, actor=STAFF)

    assert events(OrderDelivered) == [OrderDelivered(number=order.number, user_id=ada.pk)]


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], "mark_delivered"),
        (["mark_shipped"], "mark_shipped"),
        (["mark_shipped"], "cancel_order"),
        (["mark_shipped", "mark_delivered"], "cancel_order"),
        (["mark_shipped", "mark_delivered"], "mark_delivered"),
        (["cancel_order"], "mark_shipped"),
        (["cancel_order"], "cancel_order"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(ada, steps, refused):
    order = make_order(user_id=ada.pk)
    for step in steps:
        getattr(lifecycle, step)(order.number, actor=STAFF)
    order.refresh_from_db()
    before = (order.status, order.status_changes.count())

    with pytest.raises(InvalidTransition) as error:
        getattr(lifecycle, refused)(order.number, actor=STAFF)

    assert error.value.code == "invalid_transition"
    assert error.value.status_code == 409
    assert error.value.extra["status"] == order.status
    assert order.number in error.value.detail
    order.refresh_from_db()
    assert (order.status, order.status_changes.count()) == before


def test_an_unknown_order_is_not_found(ada):
    with pytest.raises(OrderNotFound):
        lifecycle.mark_shipped("NOPE-0000", actor=STAFF)
