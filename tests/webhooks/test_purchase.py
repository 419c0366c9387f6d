"""
A purchase reaches an integrator's receiver on loopback as a signed
order.placed; with no endpoint, nothing of webhooks runs on the purchase.
"""

import re

import pytest
from standardwebhooks import Webhook

from shop.core import demand
from shop.webhooks.models import Delivery
from shop.webhooks.services import endpoints
from tests.catalog.factories import make_product
from tests.conftest import wait_for
from tests.orders.test_checkout import api_for, fill_cart, make_buyer, pay, start, status_of

pytestmark = pytest.mark.django_db(transaction=True)


def buy(sku, email="ada@example.com"):
    api = api_for(make_buyer(email))
    fill_cart(api, sku)
    checkout = start(api).json()
    pay(api, checkout)
    assert wait_for(lambda: status_of(api, checkout["id"])["status"] == "completed")


def test_a_purchase_reaches_the_receiver_as_a_signed_order_placed(receiver):
    endpoint = endpoints.create(receiver.url, ["order.placed"])
    sku = make_product("Tee", price="20.00", stock=50).variants.get().sku

    buy(sku)

    assert wait_for(lambda: receiver.received)
    (got,) = receiver.received
    payload = Webhook(endpoint.secret).verify(got["body"], got["headers"])
    assert payload["type"] == "order.placed" and payload["version"] == 1
    assert payload["data"]["lines"] == [{"sku": sku, "quantity": 1}]
    assert re.fullmatch(r"\d+\.\d\d", payload["data"]["total"])
    assert Delivery.objects.get().status == "delivered"


def test_without_an_endpoint_the_relay_sends_webhooks_nothing(monkeypatch):
    endpoints.announce_demand()
    ran = []
    monkeypatch.setattr(
        "shop.webhooks.services.deliveries.record", lambda *args, **kwargs: ran.append(args)
    )
    sku = make_product("Tee", price="20.00", stock=50).variants.get().sku

    buy(sku)

    assert demand.wanted_by(["webhooks"]) == {"webhooks": frozenset()}
    assert ran == []
    assert not Delivery.objects.exists()


def test_an_event_sent_while_the_relay_had_no_record_tells_it_again(receiver):
    endpoints.create(receiver.url, ["order.shipped"])
    demand.forget("webhooks")
    sku = make_product("Tee", price="20.00", stock=50).variants.get().sku

    buy(sku)

    assert demand.wanted_by(["webhooks"]) == {"webhooks": frozenset({"orders.OrderShipped"})}
    assert not Delivery.objects.exists()


def test_stock_low_is_sent_once_as_availability_crosses_the_threshold(receiver, settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 2
    endpoints.create(receiver.url, ["stock.low"])
    sku = make_product("Mug", price="9.00", stock=4).variants.get().sku

    buy(sku, "a@example.com")  # 3 left: above the threshold
    assert receiver.received == []
    buy(sku, "b@example.com")  # 2 left: crossed
    buy(sku, "c@example.com")  # 1 left: still below, nothing new

    assert wait_for(lambda: receiver.received)
    (got,) = receiver.received
    assert b'"sku":"' + sku.encode() + b'","available":2,"threshold":2' in got["body"]
