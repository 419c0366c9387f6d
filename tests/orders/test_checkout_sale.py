"""
A sale reaches the cart, the checkout and the order through catalog's price
(issue 17, decision 0029): saving the sale in promotions is announced,
catalog reprices, and the buyer pays the sale price; a voucher then prices
against it. The events travel the real way (committed, relayed; a worker in
``make services-test``).
"""

from decimal import Decimal

import pytest

from shop.catalog import public as catalog
from shop.orders.models import Checkout, Order
from shop.orders.notifications import build_message
from shop.promotions.models import Sale, Voucher
from tests.api.contract import assert_documented
from tests.catalog.factories import make_category, make_product
from tests.conftest import wait_for
from tests.orders.test_checkout import api_for, fill_cart, make_buyer, pay, start, status_of
from tests.promotions.factories import sale

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture
def coat():
    coats = make_category("Coats")
    product = make_product("Raincoat", price="40.00", stock=5, category=coats)
    sale(value="25", category_ids=[coats.pk])
    assert wait_for(lambda: catalog.get_variant(product.variants.get().sku).price == D("30.00"))
    return product.variants.get().sku


@pytest.fixture
def buyer():
    return make_buyer()


@pytest.fixture
def api(buyer):
    return api_for(buyer)


def test_the_cart_shows_and_the_checkout_charges_the_sale_price(api, coat):
    fill_cart(api, coat, 2)

    cart = api.get("/api/v1/cart/").json()
    assert cart["items"][0]["unit_price"] == "30.00"
    started = start(api)

    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["subtotal"], body["total"]) == ("60.00", "60.00")  # free delivery from 50
    assert Checkout.objects.get().lines.get().unit_price == D("30.00")
    pay(api, body)
    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    assert Order.objects.get().lines.get().unit_price == D("30.00")


def test_the_order_says_which_sale_lowered_a_line_and_what_it_was_before(api, buyer, coat, client):
    fill_cart(api, coat, 2)
    body = start(api).json()
    checkout_line = Checkout.objects.get().lines.get()
    assert (checkout_line.regular_price, checkout_line.sale_name) == (D("40.00"), "Winter sale")
    pay(api, body)
    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    Sale.objects.all().delete()  # the sale ends; the order still tells it
    order = Order.objects.get()

    response = api.get(f"/api/v1/orders/{order.number}/")
    assert_documented(response, "get", "/api/v1/orders/{number}/")
    (line,) = response.json()["lines"]
    assert (line["unit_price"], line["regular_price"]) == ("30.00", "40.00")
    assert line["sale"] == {"name": "Winter sale"}
    assert status_of(api, body["id"])["lines"][0]["sale"] == {"name": "Winter sale"}
    client.force_login(buyer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Winter sale: was €40.00" in page
    placed = build_message(order, "placed")  # rendered here: a real worker sends its own
    assert "Winter sale: was €40.00" in placed.body
    assert "Winter sale: was €40.00" in placed.alternatives[0][0]


def test_a_line_bought_without_a_sale_says_none(api):
    sku = make_product("Boots", price="50.00", stock=5).variants.get().sku
    fill_cart(api, sku)
    body = start(api).json()
    pay(api, body)
    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    number = Order.objects.get().number

    (line,) = api.get(f"/api/v1/orders/{number}/").json()["lines"]

    assert (line["unit_price"], line["regular_price"], line["sale"]) == ("50.00", "50.00", None)


def test_a_voucher_takes_its_percentage_off_the_sale_price(api, coat):
    Voucher.objects.create(code="SAVE10", kind="percent", value=D("10"))
    fill_cart(api, coat, 1)
    entered = api.post("/api/v1/cart/voucher/", {"code": "save10"}, format="json")
    assert entered.status_code == 200, entered.content

    started = start(api)

    assert started.status_code == 201, started.content
    checkout = Checkout.objects.get()
    assert (checkout.discount_total, checkout.lines.get().gross) == (D("3.00"), D("27.00"))
