"""
Guests racing on PostgreSQL (decision 0023): requests with one key make one
checkout and exactly one 201; racing checkouts of one cart with different
keys leave one hold, the others refused cleanly (``checkout_in_progress``).
"""

import pytest
from django.db import connection

from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.orders.checkout.starting import start_checkout
from shop.orders.guests import Guest
from shop.orders.models import Checkout
from tests.catalog.factories import make_product
from tests.catalog.test_stock_concurrency import race

from .guest_helpers import BERLIN, GuestApi

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def test_guest_requests_racing_with_one_key_make_one_checkout_and_one_201():
    sku = make_product(stock=10).variants.get().sku
    guest = GuestApi()
    guest.add(sku, 2)

    def post(_i):
        racer = GuestApi()
        racer.token = guest.token
        return racer.start(key="one-purchase")

    responses = race(post, callers=8)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 7 + [201], [getattr(r, "content", r) for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert Checkout.objects.count() == 1
    assert catalog.get_variant(sku).available == 8


def test_racing_guest_checkouts_of_one_cart_leave_one_hold():
    sku = make_product(stock=40).variants.get().sku
    guest = GuestApi()
    guest.add(sku, 5)
    key = cart.cart_key(guest.token)

    results = race(
        lambda i: start_checkout(
            guest=Guest(cart_key=key, email="racer@example.com"),
            shipping_method="standard",
            address=BERLIN,
            idempotency_key=f"race-{i}",
            return_url="http://testserver/checkout/guest/{checkout_id}/{key}/",
        ),
        callers=8,
    )

    errors = [result for result in results if isinstance(result, Exception)]
    assert all(getattr(error, "code", "") == "checkout_in_progress" for error in errors), errors
    assert len(errors) < 8
    assert Checkout.objects.filter(status="awaiting_payment").count() == 1
    assert catalog.get_variant(sku).available == 35
