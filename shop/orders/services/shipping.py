"""
The order's parcel: booked with the carrier of its shipping method (frozen
in the order; ``ORDERS_CARRIER`` when the method named none) when the
order is placed, at most once however often ``orders.OrderPlaced`` arrives,
and given a tracking number by staff when they booked it themselves.
"""

from .. import selectors
from ..carriers import DeliveryRequest, get_carrier
from ..db import db
from ..models import Order, Shipment


def _delivery_request(order: Order) -> DeliveryRequest:
    return DeliveryRequest(
        order_number=order.number,
        shipping_method=order.shipping_method,
        address=dict(order.shipping_address),
        lines=tuple((line.sku, line.quantity) for line in order.lines.all()),
    )


def shipment_for(order: Order, tracking_number: str = "") -> Shipment:
    """
    The order's shipment: booked with the carrier if there is none yet, or
    with ``tracking_number`` (staff booked the parcel themselves) replacing
    the booked one's. The caller holds the order's lock.
    """
    carrier = get_carrier(order.shipping_carrier)
    shipment = getattr(order, "shipment", None)  # read with the order when it was selected
    if tracking_number:
        url = carrier.tracking_url(tracking_number)
        if shipment is None:
            return Shipment.objects.create(
                order=order,
                carrier=carrier.name,
                tracking_number=tracking_number,
                tracking_url=url,
            )
        shipment.tracking_number, shipment.tracking_url = tracking_number, url
        shipment.save(update_fields=["tracking_number", "tracking_url"])
        return shipment
    if shipment is None:
        booking = carrier.arrange_delivery(_delivery_request(order))
        shipment = Shipment.objects.create(
            order=order,
            carrier=carrier.name,
            tracking_number=booking.tracking_number,
            tracking_url=booking.tracking_url,
        )
    return shipment


def book_shipment(number: str) -> Shipment | None:
    """
    Ask the carrier for the order's parcel (on ``orders.OrderPlaced``). The
    same order again returns its shipment; a cancelled order books nothing.
    """
    # No savepoint inside the consumer's transaction: what fails here fails it all.
    with db.atomic(savepoint=False):
        order = selectors.order_with_lines(number, lock=True)
        if order is None:
            return None
        if order.status != Order.Status.PAID:
            return getattr(order, "shipment", None)
        return shipment_for(order)
