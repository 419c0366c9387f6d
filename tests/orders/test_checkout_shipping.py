"""
Checkout and the shipping service: only the methods of the address's
country, priced by the cart's value and weight; a country nobody delivers to
is refused with ``shipping_unavailable`` before any stock is held (page and
API); the checkout and its order keep the method, price and carrier they were
started with, and the parcel is booked with that method's carrier.
"""

import re
from decimal import Decimal

import pytest

from shop.catalog import public as catalog
from shop.catalog.models import Reservation
from shop.orders.models import Checkout, Order
from shop.shipping.models import ShippingRate
from tests.catalog.factories import make_product
from tests.conftest import wait_for
from tests.shipping.factories import germany_eu_and_nothing_else

from .test_checkout import LONDON, api_for, fill_cart, make_buyer, pay, start, status_of

pytestmark = pytest.mark.django_db(transaction=True)

BERLIN = {**LONDON, "city": "Berlin", "postal_code": "10117", "country": "DE"}
PARIS = {**LONDON, "city": "Paris", "postal_code": "75001", "country": "FR"}
RIO = {**LONDON, "city": "Rio de Janeiro", "postal_code": "20000-000", "country": "BR"}
OPTIONS = "/api/v1/checkout/shipping-options/"


@pytest.fixture
def zones():
    return germany_eu_and_nothing_else()


@pytest.fixture
def kettle():
    """A 20.00 kettle of 2.5 kg: standard to Germany is 6.90 (2 to 10 kg), to France 16.90."""
    return make_product("Kettle", price="20.00", stock=5, variants=[{"weight_grams": 2500}])


@pytest.fixture
def api(zones, kettle):
    client = api_for(make_buyer())
    fill_cart(client, kettle.variants.get().sku)
    return client


def held() -> int:
    return Reservation.objects.count()


# --- API -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("where", "country"), [({}, "GB"), ({"shipping_address": RIO}, "BR")])
def test_a_country_no_zone_serves_is_refused_before_any_stock_is_held(api, kettle, where, country):
    response = start(api, **where)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["country"], body["reason"]) == (
        "shipping_unavailable",
        country,
        "country",
    )
    assert body["detail"].startswith("We do not deliver to")
    assert (held(), Checkout.objects.count()) == (0, 0)
    assert catalog.get_variant(kettle.variants.get().sku).available == 5


def test_a_refused_country_leaves_the_earlier_checkout_and_its_stock_alone(api, kettle):
    earlier = start(api, key="berlin", shipping_address=BERLIN).json()

    refused = start(api, key="rio", shipping_address=RIO)

    assert refused.status_code == 422
    assert status_of(api, earlier["id"])["status"] == "awaiting_payment"
    assert catalog.get_variant(kettle.variants.get().sku).available == 4


@pytest.mark.parametrize(
    ("address", "method", "cost"),
    [(BERLIN, "standard", "6.90"), (BERLIN, "express", "12.90"), (PARIS, "standard", "16.90")],
)
def test_the_price_is_the_countrys_for_the_carts_weight(api, address, method, cost):
    checkout = start(api, shipping_address=address, shipping_method=method).json()

    assert (checkout["shipping_method"], checkout["shipping_cost"]) == (method, cost)
    assert Decimal(checkout["total"]) == Decimal("20.00") + Decimal(cost)


def test_a_method_offered_elsewhere_is_refused_for_this_country(api):
    response = start(api, shipping_address=PARIS, shipping_method="express")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["choices"]) == (
        "invalid_shipping_method",
        "standard",
    )
    assert held() == 0


def test_an_order_too_heavy_for_every_method_is_refused(api, kettle):
    fill_cart(api, kettle.variants.get().sku, 4)  # 5 kettles: 12.5 kg, France stops at 10 kg

    response = start(api, shipping_address=PARIS)

    assert response.status_code == 422
    assert (response.json()["reason"], held()) == ("order", 0)


def test_the_options_endpoint_prices_each_method_for_the_cart(api):
    body = api.get(OPTIONS, {"country": "DE"}).json()

    assert (body["country"], body["subtotal"], body["weight_grams"]) == ("DE", "20.00", 2500)
    assert [(o["code"], o["price"], o["free_from"]) for o in body["options"]] == [
        ("standard", "6.90", "50.00"),
        ("express", "12.90", None),
    ]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [({"country": "BR"}, 422, "shipping_unavailable"), ({"country": "XX"}, 400, "invalid"),
     ({}, 400, "invalid")],
)  # fmt: skip
def test_the_options_endpoint_refuses_what_it_cannot_price(api, query, status, code):
    response = api.get(OPTIONS, query)

    assert (response.status_code, response.json()["code"]) == (status, code)


def test_the_options_endpoint_needs_a_signed_in_caller(client):
    assert client.get(OPTIONS, {"country": "DE"}).status_code in (401, 403)


@pytest.mark.worker
def test_the_order_keeps_what_the_checkout_offered_and_its_carrier_books_the_parcel(api):
    checkout = start(api, shipping_address=BERLIN, shipping_method="express").json()
    ShippingRate.objects.filter(method__code="express").update(price=Decimal("99.00"))

    pay(api, checkout)

    done = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "completed" and s)
    order = Order.objects.get(number=done["order_number"])
    assert (order.shipping_cost, order.shipping_method_name, order.shipping_carrier) == (
        Decimal("12.90"),
        "Express to Germany",
        "demo-courier",
    )
    shipment = wait_for(lambda: getattr(Order.objects.get(pk=order.pk), "shipment", None))
    assert shipment.carrier == "Demo Courier"
    assert shipment.tracking_number.startswith("DC")
    detail = api.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["shipping_method_name"] == "Express to Germany"


# --- the checkout page ---------------------------------------------------------------------


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def form_key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def shopper(client, zones, kettle):
    """A signed-in customer whose default address is in Berlin, with a kettle in the cart."""
    from shop.accounts.services import addresses

    user = make_buyer()
    addresses.add_address(user.pk, **BERLIN, is_default=True)
    client.force_login(user)
    client.post("/cart/add/", {"sku": kettle.variants.get().sku})
    client.user = user
    return client


def address_id(client, country) -> int:
    from shop.accounts import public as accounts

    return next(a.id for a in accounts.get_addresses(client.user.pk) if a.country == country)


def test_the_page_offers_only_the_methods_of_the_chosen_addresss_country(shopper):
    page = text(shopper.get("/checkout/"))

    assert "Standard to Germany: €6.90 (free from €50.00)" in page
    assert "Express to Germany: €12.90" in page
    assert "Standard to EU" not in page


def test_an_address_nobody_delivers_to_is_refused_on_the_page_before_stock_is_held(shopper):
    london = address_id(shopper, "GB")
    shown = shopper.post(
        "/checkout/", {"address": london, "update_delivery": "1", "idempotency_key": "k"}
    )
    assert "We do not deliver to United Kingdom." in text(shown)
    assert 'data-code="shipping_unavailable"' in shown.content.decode()

    response = shopper.post(
        "/checkout/",
        {"address": london, "shipping_method": "standard", "idempotency_key": form_key(shown)},
    )

    assert response.status_code == 422
    assert text(response).count("We do not deliver to United Kingdom.") == 1
    assert (held(), Checkout.objects.count()) == (0, 0)


def test_update_delivery_options_shows_a_typed_in_countrys_methods_and_starts_nothing(shopper):
    page = shopper.post(
        "/checkout/", {"address": "new", **PARIS, "update_delivery": "1", "idempotency_key": "k"}
    )

    assert page.status_code == 200
    assert "Standard to EU: €16.90" in text(page)
    assert "Express to Germany" not in text(page)
    assert 'value="Paris"' in page.content.decode()
    assert "This field is required" not in text(page)
    assert Checkout.objects.count() == 0


def test_a_method_the_newly_chosen_country_does_not_offer_is_refused_on_the_page(shopper):
    page = shopper.get("/checkout/")

    response = shopper.post(
        "/checkout/",
        {"address": "new", **PARIS, "shipping_method": "express",
         "idempotency_key": form_key(page)},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Choose one of the delivery options for this address." in text(response)
    assert "Standard to EU: €16.90" in text(response)
    assert held() == 0


def test_the_page_starts_a_checkout_at_the_countrys_price(shopper):
    page = shopper.get("/checkout/")

    response = shopper.post(
        "/checkout/",
        {"address": address_id(shopper, "DE"), "shipping_method": "standard",
         "idempotency_key": form_key(page)},
    )  # fmt: skip

    assert response.status_code == 302
    checkout = Checkout.objects.get()
    assert (checkout.shipping_cost, checkout.shipping_method_name) == (
        Decimal("6.90"),
        "Standard to Germany",
    )


def test_update_delivery_options_keeps_the_address_chosen_over_an_earlier_failed_attempt(shopper):
    from .factories import make_checkout

    failed = make_checkout(user_id=shopper.user.pk, address=LONDON)
    Checkout.objects.filter(pk=failed.pk).update(status=Checkout.Status.FAILED)
    berlin = address_id(shopper, "DE")

    page = shopper.post(
        "/checkout/", {"address": berlin, "update_delivery": "1", "idempotency_key": "k"}
    )

    assert re.search(rf'value="{berlin}"[^>]*checked', page.content.decode())
    assert "Standard to Germany: €6.90" in text(page)
