"""
The consumers through Celery as deployed: in-process after commit on the
laptop defaults, a real worker process with ``make services-test``.
"""

import pytest

from shop.orders.models import SentEmail, Shipment
from shop.orders.services import lifecycle
from tests.conftest import wait_for

from .factories import make_order

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_placed_order_gets_its_parcel_booked_and_a_confirmation(ada):
    order = make_order(user_id=ada.pk)

    assert wait_for(lambda: Shipment.objects.filter(order=order).exists())
    assert wait_for(lambda: SentEmail.objects.filter(order=order, kind="placed").exists())
    assert Shipment.objects.filter(order=order).count() == 1


def test_shipping_sends_the_tracking_email_once(ada):
    order = make_order(user_id=ada.pk)
    assert wait_for(lambda: Shipment.objects.filter(order=order).exists())

    lifecycle.mark_shipped(order.number, actor="staff:1")

    assert wait_for(lambda: SentEmail.objects.filter(order=order, kind="shipped").exists())
    assert SentEmail.objects.filter(order=order).count() == 2
