"""
A customer holds stock for one checkout at a time (decision 0015): each new
checkout gives up the earlier one's hold and closes its payment page, so
opening checkout after checkout cannot sell a product out; while the earlier
one has been paid and its order is on the way, a new one is refused.
"""

import pytest
from django.db import connection

from shop.orders.checkout.starting import start_checkout
from shop.orders.models import Checkout
from shop.payments import public as payments
from shop.payments.events import PaymentSucceeded
from tests.catalog.factories import make_product
from tests.catalog.test_stock_concurrency import race
from tests.conftest import wait_for

from .test_checkout import api_for, available, fill_cart, make_buyer, pay, start, status_of

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coat():
    return make_product("Coat", price="90.00", stock=37).variants.get().sku


@pytest.fixture
def mallory():
    return make_buyer("mallory@example.com")


def test_seven_checkouts_with_new_keys_hold_the_stock_of_one(mallory, coat):
    api = api_for(mallory)
    fill_cart(api, coat, 5)

    started = [start(api, key=f"hoard-{n}") for n in range(7)]

    assert [response.status_code for response in started] == [201] * 7
    assert available(coat) == 32
    assert Checkout.objects.filter(status="awaiting_payment").count() == 1


def test_a_new_checkout_closes_the_earlier_ones_payment_page(mallory, coat):
    api = api_for(mallory)
    fill_cart(api, coat, 2)
    first = start(api, key="first").json()

    second = start(api, key="second")

    assert second.status_code == 201
    earlier = status_of(api, first["id"])
    assert (earlier["status"], earlier["failure_reason"]) == (
        "expired",
        "Replaced by a newer checkout.",
    )
    assert earlier["payment"]["redirect_url"] == ""
    # Closed by the CheckoutExpired consumer (a worker, where one runs).
    assert wait_for(lambda: payments.get_payment(first["payment"]["id"]).status == "canceled")
    page = api.get(first["payment"]["redirect_url"]).content.decode()
    assert 'value="succeeded"' not in page


def test_a_customer_who_changed_the_cart_checks_out_the_new_cart_alone(mallory, coat):
    api = api_for(mallory)
    fill_cart(api, coat, 1)
    start(api, key="before")
    fill_cart(api, coat, 3)

    after = start(api, key="after")

    assert after.status_code == 201
    assert available(coat) == 37 - 4  # the first hold (1) went back; the new one holds 1 + 3


def test_starting_again_with_the_same_key_keeps_the_one_checkout(mallory, coat):
    api = api_for(mallory)
    fill_cart(api, coat, 2)
    first = start(api, key="same").json()

    again = start(api, key="same")

    assert (again.status_code, again.json()["id"]) == (200, first["id"])
    assert status_of(api, first["id"])["status"] == "awaiting_payment"
    assert available(coat) == 35


def test_a_new_checkout_is_refused_while_the_earlier_one_is_paid_and_its_order_on_the_way(
    mallory, coat, lossy_broker
):
    # The order is on the way: PaymentSucceeded has not reached orders yet.
    lossy_broker.loses(PaymentSucceeded)
    api = api_for(mallory)
    fill_cart(api, coat, 2)
    first = start(api, key="paid").json()
    pay(api, first)

    refused = start(api, key="another")

    assert refused.status_code == 409
    assert refused.json()["code"] == "checkout_payment_under_way"
    assert refused.json()["checkout_id"] == first["id"]
    assert status_of(api, first["id"])["status"] == "awaiting_payment"
    assert available(coat) == 35
    lossy_broker.deliver_lost()
    assert status_of(api, first["id"])["status"] == "completed"
    assert start(api, key="another").status_code == 400  # the cart is empty now


@pytest.mark.services
def test_racing_checkouts_of_one_customer_leave_one_hold(mallory, coat):
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")
    api = api_for(mallory)
    fill_cart(api, coat, 5)

    results = race(
        lambda i: start_checkout(
            user_id=mallory.pk,
            shipping_method="standard",
            idempotency_key=f"race-{i}",
            return_url="http://testserver/checkout/{checkout_id}/",
        ),
        callers=8,
    )

    errors = [result for result in results if isinstance(result, Exception)]
    assert all(getattr(error, "code", "") == "checkout_in_progress" for error in errors), errors
    assert len(errors) < 8
    assert Checkout.objects.filter(status="awaiting_payment").count() == 1
    assert available(coat) == 32
