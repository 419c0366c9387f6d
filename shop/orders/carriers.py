"""
Shipping carriers behind one small interface: ``arrange_delivery`` books a
parcel and answers with a tracking number and a tracking URL. Which carrier
is used is the ``ORDERS_CARRIER`` setting (a dotted path to a class).

A carrier must be idempotent per order number: orders may ask again for the
same order (a retried task) and must get the same booking back, as a real
carrier API does when given the order number as its idempotency key.
"""

from dataclasses import dataclass

from django.conf import settings
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


def get_carrier() -> Carrier:
    return import_string(settings.ORDERS_CARRIER)()
