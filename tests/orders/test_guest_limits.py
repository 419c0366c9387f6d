"""
Abuse limits hold for guests too (decision 0023): starting guest checkouts is
throttled per client address (429 with Retry-After, storefront and API), and
only so many guest checkouts may await payment for one email address.
"""

import re

import pytest
from django.test import Client

from shop.orders.models import Checkout
from tests.api.contract import assert_documented
from tests.catalog.factories import make_product

from .guest_helpers import BERLIN, GuestApi

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=50).variants.get().sku


def test_a_client_address_starting_too_many_guest_checkouts_gets_429_with_retry_after(
    tee, settings
):
    settings.ORDERS_GUEST_CHECKOUT_RATE = "2/m"
    statuses = []
    for n in range(3):
        guest = GuestApi()
        guest.add(tee)
        statuses.append(guest.start(key=f"k-{n}", email=f"g{n}@example.com"))
    assert [r.status_code for r in statuses] == [201, 201, 429]
    refused = statuses[-1]
    assert refused.json()["code"] == "throttled"
    assert_documented(refused, "post", "/api/v1/checkout/")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert Checkout.objects.count() == 2


def test_the_storefront_throttles_guest_checkouts_the_same_way(tee, settings):
    settings.ORDERS_GUEST_CHECKOUT_RATE = "1/m"
    codes = []
    for n in range(2):
        browser = Client()
        browser.post("/cart/add/", {"sku": tee})
        page = browser.get("/checkout/")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode())[1]
        codes.append(
            browser.post(
                "/checkout/",
                {
                    "email": f"g{n}@example.com",
                    "address": "new",
                    **BERLIN,
                    "shipping_method": "standard",
                    "idempotency_key": key,
                },
            )
        )
    assert codes[0].status_code == 302
    assert codes[1].status_code == 429
    assert int(codes[1]["Retry-After"]) > 0
    assert "Too many checkouts were started" in codes[1].content.decode()


def test_updating_the_delivery_options_is_not_a_checkout_started(tee, settings):
    settings.ORDERS_GUEST_CHECKOUT_RATE = "1/m"
    browser = Client()
    browser.post("/cart/add/", {"sku": tee})
    for _ in range(3):
        shown = browser.post("/checkout/", {"address": "new", **BERLIN, "update_delivery": "1"})
        assert shown.status_code == 200


def test_only_so_many_guest_checkouts_await_payment_for_one_email(tee, settings):
    settings.ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL = 2
    answers, carts = [], []
    for n in range(3):
        guest = GuestApi()
        guest.add(tee)
        carts.append(guest)
        answers.append(guest.start(key=f"k-{n}", email="Hoarder@example.com"))
    assert [a.status_code for a in answers] == [201, 201, 409]
    assert answers[-1].json()["code"] == "too_many_open_checkouts"
    assert answers[-1].json()["limit"] == 2
    assert_documented(answers[-1], "post", "/api/v1/checkout/")
    # Another email is not held up, and the same cart may replace its own checkout.
    other = GuestApi()
    other.add(tee)
    assert other.start(email="someone@example.com").status_code == 201
    assert carts[0].start(key="again", email="hoarder@example.com").status_code == 201
