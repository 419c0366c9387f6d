"""
The cart's estimate (issue 16): before an address is known the cart shows the
cheapest delivery to a country the customer picks (the shop's own until then),
how much more would make delivery free, the VAT per rate and the estimated
total; the checkout works out the exact figures for the address.
"""

import re

import pytest
from rest_framework.test import APIClient

from shop.cart import estimates
from shop.taxes.demo import seed_tax_rates
from tests.api.contract import assert_documented
from tests.catalog.factories import make_product
from tests.conftest import AllQueries
from tests.shipping.factories import germany_eu_and_nothing_else

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture(autouse=True)
def rates(settings):
    settings.TAXES_HOME_COUNTRY = "DE"
    settings.TAXES_PRICES_INCLUDE_TAX = True
    seed_tax_rates()


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5).variants.get().sku


def fill(client, sku, quantity=1):
    assert client.post("/cart/add/", {"sku": sku, "quantity": quantity}).status_code == 302


def choose(client, country):
    return client.post("/cart/estimate/", {"country": country})


class Caller:
    """An anonymous API client keeping its cart token."""

    def __init__(self):
        self.client, self.token = APIClient(), None

    def _headers(self):
        return {"HTTP_X_CART_TOKEN": self.token} if self.token else {}

    def get(self, **query):
        response = self.client.get(CART, query, **self._headers())
        self.token = response.headers.get("X-Cart-Token", self.token)
        return response

    def add(self, sku, quantity=1, **query):
        url = f"{CART}items/" + (f"?country={query['country']}" if query else "")
        response = self.client.post(
            url, {"sku": sku, "quantity": quantity}, format="json", **self._headers()
        )
        self.token = response.headers.get("X-Cart-Token", self.token)
        return response


# --- the cart page -------------------------------------------------------------------


def test_the_cart_page_estimates_delivery_and_vat_for_the_shops_own_country(client, tee):
    fill(client, tee)

    page = text(client.get("/cart/"))

    assert "Estimated total" in page
    assert "Delivery to Germany: Standard delivery (3 to 5 working days), our cheapest €4.90" in (
        page
    )
    # 20.00 + 4.90, 19 % inside: 3.19 + 0.78.
    assert "Incl. VAT 19 % on €20.93 €3.97" in page
    assert "Estimated total €24.90" in page


def test_the_cart_says_how_much_more_makes_delivery_free(client, tee):
    fill(client, tee)

    page = text(client.get("/cart/"))

    assert "Standard delivery (3 to 5 working days) is free from €50.00: add €30.00 more." in page


def test_a_cart_over_the_free_delivery_value_is_estimated_with_free_delivery(client, tee):
    fill(client, tee, 3)

    page = text(client.get("/cart/"))

    assert "our cheapest Free" in page
    assert "add €" not in page
    assert "Estimated total €60.00" in page


def test_a_country_chosen_on_the_cart_page_is_remembered(client, tee):
    fill(client, tee)

    response = choose(client, "FR")

    assert response.status_code == 302 and response["Location"] == "/cart/"
    page = text(client.get("/cart/"))
    assert "Delivery to France" in page
    assert "Incl. VAT 20 % on €20.75 €4.15" in page
    assert 'value="FR" selected' in client.get("/cart/").content.decode()


def test_a_country_outside_the_tax_zone_is_estimated_without_vat(client, tee):
    fill(client, tee)
    choose(client, "US")

    page = text(client.get("/cart/"))

    assert "No VAT: delivered to United States of America, outside our tax zone" in page
    # 20.00 drops to its German net, 16.81; delivery 4.90 to 4.12.
    assert "Estimated total €20.93" in page


def test_a_country_the_shop_does_not_deliver_to_says_so_on_the_cart_page(client, tee):
    germany_eu_and_nothing_else()
    fill(client, tee)
    choose(client, "BR")

    response = client.get("/cart/")

    assert response.status_code == 200
    page = text(response)
    assert "We do not deliver to Brazil." in page
    assert "Estimated total without delivery" in page


def test_a_tampered_country_is_explained_and_the_estimate_keeps_its_country(client, tee):
    fill(client, tee)
    choose(client, "FR")

    choose(client, "Narnia")

    page = text(client.get("/cart/"))
    assert "Choose a country (a two-letter ISO 3166-1 code such as DE)." in page
    assert "Delivery to France" in page


def test_with_net_prices_the_cart_adds_the_tax(client, tee, settings):
    settings.TAXES_PRICES_INCLUDE_TAX = False
    fill(client, tee)

    page = text(client.get("/cart/"))

    # 20.00 + 4.90 net, 19 % added: 3.80 + 0.93.
    assert "Plus tax 19 % on €24.90 €4.73" in page
    assert "Estimated total €29.63" in page


def test_the_cart_page_with_its_estimate_stays_personal(client, tee):
    fill(client, tee)

    response = client.get("/cart/")

    assert response["Cache-Control"] == "private, no-store"


def test_an_empty_cart_shows_no_estimate(client):
    page = text(client.get("/cart/"))

    assert "Your cart is empty" in page
    assert "Estimated total" not in page


def test_the_cart_page_costs_the_same_queries_for_1_or_20_lines(client):
    products = [make_product(stock=3).variants.get().sku for _ in range(20)]
    fill(client, products[0])
    client.get("/cart/")
    with AllQueries() as one:
        client.get("/cart/")
    for sku in products[1:]:
        fill(client, sku)
    client.get("/cart/")

    with AllQueries() as many:
        assert text(client.get("/cart/")).count("SKU ") == 20

    # Session, cart lines, variants; zones, methods, rates; the rates there and at home.
    assert len(many) == len(one) <= 8


# --- the API -------------------------------------------------------------------------


def test_the_cart_api_estimates_for_the_shops_own_country_by_default(tee):
    caller = Caller()
    caller.add(tee)

    response = caller.get()

    estimate = response.json()["estimate"]
    assert estimate["country"] == "DE"
    assert estimate["prices_include_tax"] is True and estimate["tax_note"] == "incl. VAT"
    assert estimate["delivery"]["code"] == "standard"
    assert estimate["shipping"] == "4.90"
    assert estimate["taxes"] == [{"rate": "19.00", "net": "20.93", "tax": "3.97", "gross": "24.90"}]
    assert (estimate["tax"], estimate["total"]) == ("3.97", "24.90")
    assert estimate["free_delivery"] == [
        {
            "code": "standard",
            "name": "Standard delivery (3 to 5 working days)",
            "free_from": "50.00",
            "missing": "30.00",
        }
    ]
    assert_documented(response, "get", CART)


def test_the_cart_api_estimates_for_the_country_asked(tee):
    caller = Caller()
    caller.add(tee)

    estimate = caller.get(country="at").json()["estimate"]

    assert (estimate["country"], estimate["country_name"]) == ("AT", "Austria")
    assert estimate["taxes"][0]["rate"] == "20.00"


def test_the_cart_api_says_when_a_country_is_not_delivered_to(tee):
    germany_eu_and_nothing_else()
    caller = Caller()
    caller.add(tee)

    response = caller.get(country="BR")

    assert response.status_code == 200
    estimate = response.json()["estimate"]
    assert estimate["delivers"] is False and estimate["delivery"] is None
    assert estimate["unavailable"] == "We do not deliver to Brazil."
    assert estimate["total"] == "16.81"  # outside the tax zone too: the German net
    assert_documented(response, "get", CART)


@pytest.mark.parametrize("country", ["XX", "Germany", "D", "1"])
def test_a_country_that_is_no_country_answers_400_invalid_country(tee, country):
    response = Caller().get(country=country)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_country"
    assert_documented(response, "get", CART)


def test_a_bad_country_on_an_add_changes_nothing(tee):
    caller = Caller()

    refused = caller.add(tee, country="XX")

    assert refused.status_code == 400 and refused.json()["code"] == "invalid_country"
    assert caller.get().json()["items"] == []


def test_an_empty_cart_has_no_estimate():
    assert Caller().get().json()["estimate"] is None


def test_the_estimate_uses_the_cheapest_method_and_the_carts_weight(settings):
    germany_eu_and_nothing_else()
    heavy = make_product("Anvil", price="30.00", stock=5, variants=[{"weight_grams": 3000}])
    caller = Caller()
    caller.add(heavy.variants.get().sku)

    estimate = caller.get(country="DE").json()["estimate"]

    # 3 kg: standard's 2-10 kg band, 6.90, is cheaper than express 12.90.
    assert (estimate["delivery"]["code"], estimate["shipping"]) == ("standard", "6.90")


def test_country_codes_are_checked_against_the_iso_list():
    assert estimates.country_code(" fr ") == "FR"
    with pytest.raises(estimates.InvalidCountry):
        estimates.country_code("ZZ")


def test_a_cart_too_heavy_for_every_method_to_a_country_says_so(client):
    germany_eu_and_nothing_else()  # France: standard only, up to 10 kg
    anvil = make_product("Anvil", price="30.00", stock=5, variants=[{"weight_grams": 12000}])
    fill(client, anvil.variants.get().sku)
    choose(client, "FR")

    response = client.get("/cart/")

    assert response.status_code == 200
    assert "None of our delivery methods to France takes this order (12.0 kg)" in text(response)
