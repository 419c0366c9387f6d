"""
Shipping carriers behind one small interface: ``arrange_delivery`` books a
parcel and answers with a tracking number and a tracking URL.

Which carrier books an order's parcel is decided per shipping method: a
method (shop/shipping, in the admin) may name one of ``SHIPPING_CARRIERS``
(name -> dotted path to a class), and the checkout freezes that name in the
order; a method that names none, and every order placed before methods
could, uses ``ORDERS_CARRIER`` (a dotted path). A name the settings no longer
have is an error rather than another carrier's booking: the booking task
fails until the setting is back (its event is then parked for staff).

A carrier must be idempotent per order number: orders may ask again for the
same order (a retried task) and must get the same booking back, as a real
carrier API does when given the order number as its idempotency key.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DeliveryRequest:
    """What a carrier needs to book the parcel of one order."""

    order_number: str
    shipping_method: str
    address: dict
    lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Booking:
    tracking_number: str
    tracking_url: str


class Carrier:
    """The interface. ``name`` is shown to customers and staff ("Demo Parcel")."""

    name = "carrier"

    def arrange_delivery(self, request: DeliveryRequest) -> Booking:
        raise NotImplementedError

    def tracking_url(self, tracking_number: str) -> str:
        """Where anyone can follow a parcel, given its tracking number ("" if unknown)."""
        return ""


class DemoCarrier(Carrier):
    """
    Books locally, without any network: the tracking number is derived from
    the order number (unique because order numbers are, and the same on every
    call), the URL points at an example tracking site.
    """

    name = "Demo Parcel"
    prefix = "DP"

    def arrange_delivery(self, request: DeliveryRequest) -> Booking:
        number = f"{self.prefix}{request.order_number.replace('-', '')}"
        return Booking(tracking_number=number, tracking_url=self.tracking_url(number))

    def tracking_url(self, tracking_number: str) -> str:
        return f"https://tracking.demo-parcel.example/track/{tracking_number}"


class DemoCourier(DemoCarrier):
    """A second local carrier, for the demo's express methods: another prefix, another site."""

    name = "Demo Courier"
    prefix = "DC"

    def tracking_url(self, tracking_number: str) -> str:
        return f"https://courier.demo-parcel.example/parcels/{tracking_number}"


def get_carrier(name: str = "") -> Carrier:
    """The carrier ``name`` of ``SHIPPING_CARRIERS``, or ``ORDERS_CARRIER`` for ``""``."""
    if not name:
        return import_string(settings.ORDERS_CARRIER)()
    try:
        path = settings.SHIPPING_CARRIERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"The carrier {name!r} of this order's shipping method is not in "
            "SHIPPING_CARRIERS: add it back to book or track its parcels."
        ) from None
    return import_string(path)()
