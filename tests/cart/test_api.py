"""The cart as an API client sees it, under /api/v1/cart/."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from shop.catalog.models import Variant
from tests.api.contract import assert_documented
from tests.catalog.factories import make_product
from tests.catalog.sales import deliver_sales
from tests.conftest import AllQueries
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
ITEMS = "/api/v1/cart/items/"


def item_url(line_id) -> str:
    return f"{ITEMS}{line_id}/"


def sku_of(product) -> str:
    return product.variants.get().sku


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5)


class Caller:
    """An anonymous API client that keeps sending the X-Cart-Token it was given."""

    def __init__(self, client=None):
        self.client = client or APIClient()
        self.token = None

    def _headers(self):
        return {"HTTP_X_CART_TOKEN": self.token} if self.token else {}

    def _keep(self, response):
        self.token = response.headers.get("X-Cart-Token", self.token)
        return response

    def get(self):
        return self._keep(self.client.get(CART, **self._headers()))

    def add(self, sku, quantity=1, **extra):
        body = {"sku": sku, "quantity": quantity, **extra}
        return self._keep(self.client.post(ITEMS, body, format="json", **self._headers()))

    def change(self, line_id, quantity):
        return self._keep(
            self.client.patch(item_url(line_id), {"quantity": quantity}, **self._headers())
        )

    def remove(self, line_id):
        return self._keep(self.client.delete(item_url(line_id), **self._headers()))


def test_first_cart_response_hands_out_a_token_that_keeps_the_cart(tee):
    caller = Caller()

    first = caller.get()
    assert first.status_code == 200
    assert first.json()["items"] == []
    assert caller.token

    assert caller.add(sku_of(tee), 2).status_code == 201
    cart = caller.get().json()

    assert [(item["sku"], item["quantity"]) for item in cart["items"]] == [(sku_of(tee), 2)]
    assert cart["subtotal"] == "40.00"
    assert cart["item_count"] == 2
    assert cart["currency"] == "EUR"


def test_a_cart_shows_names_prices_and_availability_from_the_catalog():
    shirt = make_product(
        "Shirt", variants=[{"sku": "SHIRT-M", "options": {"size": "M"}, "price": "30.00"}]
    )
    caller = Caller()
    caller.add("SHIRT-M")

    (item,) = caller.get().json()["items"]

    assert item["name"] == "Shirt — M"
    assert item["product_slug"] == shirt.slug
    assert item["options"] == {"size": "M"}
    assert (item["unit_price"], item["line_total"], item["available"]) == ("30.00", "30.00", 10)
    assert item["problem"] is None


def test_a_line_on_sale_gives_its_regular_price_and_the_sale_like_the_product_api(tee):
    coat = make_product("Coat", price="80.00", stock=5)
    ends_at = timezone.now() + timedelta(days=3)
    sale(value="25", product_ids=[coat.pk], ends_at=ends_at)
    deliver_sales()
    caller = Caller()
    caller.add(sku_of(coat))
    caller.add(sku_of(tee))

    response = caller.get()

    on_sale, regular = response.json()["items"]
    assert (on_sale["unit_price"], on_sale["regular_price"]) == ("60.00", "80.00")
    assert on_sale["sale"]["name"] == "Winter sale"
    assert parse_datetime(on_sale["sale"]["ends_at"]) == ends_at
    product = APIClient().get(f"/api/v1/catalog/products/{coat.slug}/").json()
    assert on_sale["sale"] == product["variants"][0]["sale"]
    assert (regular["unit_price"], regular["regular_price"], regular["sale"]) == (
        "20.00",
        "20.00",
        None,
    )
    assert_documented(response, "get", "/api/v1/cart/")


def test_adding_the_same_sku_again_adds_to_the_line(tee):
    caller = Caller()
    caller.add(sku_of(tee), 1)

    again = caller.add(sku_of(tee), 2)

    assert again.status_code == 200
    assert [item["quantity"] for item in again.json()["items"]] == [3]


def test_a_cart_without_a_token_is_someone_elses_empty_cart(tee):
    mine, theirs = Caller(), Caller()
    mine.add(sku_of(tee))

    assert theirs.get().json()["items"] == []
    assert theirs.token != mine.token


def test_adding_more_than_available_answers_409_with_what_is_available(tee):
    caller = Caller()
    caller.add(sku_of(tee), 4)

    response = caller.add(sku_of(tee), 2)

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["available"], body["in_cart"], body["sku"]) == (
        "out_of_stock",
        5,
        4,
        sku_of(tee),
    )
    assert [item["quantity"] for item in caller.get().json()["items"]] == [4]


@pytest.mark.parametrize("quantity", [-1, 0, 1.5, "two", True, None, 10**12, [1], "1e3"])
def test_bad_quantities_answer_400_invalid_quantity_and_change_nothing(tee, quantity):
    caller = Caller()

    response = caller.add(sku_of(tee), quantity)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_quantity"
    assert caller.get().json()["items"] == []


def test_more_than_the_per_line_limit_is_invalid_not_out_of_stock(settings):
    settings.CART_MAX_LINE_QUANTITY = 10
    plenty = make_product(stock=1000)

    response = Caller().add(sku_of(plenty), 11)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_quantity"
    assert response.json()["max_quantity"] == 10


@pytest.mark.parametrize("sku", ["NO-SUCH-SKU", "", 42, None, "x" * 500])
def test_unknown_skus_answer_400_unknown_sku(sku):
    response = Caller().add(sku)

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_sku"


def test_a_withdrawn_product_cannot_be_added(tee):
    tee.is_active = False
    tee.save()

    response = Caller().add(sku_of(tee))

    assert response.status_code == 400
    assert response.json()["code"] == "sku_unavailable"


def test_a_body_that_is_not_an_object_answers_400():
    response = APIClient().post(ITEMS, [1, 2], format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_made_up_token_is_refused_rather_than_starting_an_empty_cart():
    response = APIClient().get(CART, HTTP_X_CART_TOKEN="my-own-token")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cart_token"


def test_changing_a_quantity_and_zero_removes_the_line(tee):
    caller = Caller()
    line_id = caller.add(sku_of(tee), 1).json()["items"][0]["id"]

    changed = caller.change(line_id, 3)
    assert changed.status_code == 200
    assert changed.json()["items"][0]["quantity"] == 3

    assert caller.change(line_id, 9).json()["code"] == "out_of_stock"
    assert caller.change(line_id, -2).json()["code"] == "invalid_quantity"

    removed = caller.change(line_id, 0)
    assert removed.status_code == 200
    assert removed.json()["items"] == []


def test_lowering_a_quantity_works_even_when_stock_fell_below_it(tee):
    caller = Caller()
    line_id = caller.add(sku_of(tee), 4).json()["items"][0]["id"]
    Variant.objects.filter(sku=sku_of(tee)).update(stock_on_hand=2)

    item = caller.get().json()["items"][0]
    assert (item["problem"], item["available"]) == ("short", 2)

    lowered = caller.change(line_id, 3)
    assert lowered.status_code == 200
    assert lowered.json()["items"][0]["problem"] == "short"
    assert caller.change(line_id, 2).json()["has_problems"] is False


def test_deleting_a_line(tee):
    caller = Caller()
    line_id = caller.add(sku_of(tee)).json()["items"][0]["id"]

    assert caller.remove(line_id).status_code == 204
    assert caller.get().json()["items"] == []
    assert caller.remove(line_id).status_code == 404


def test_another_callers_line_is_not_found_and_untouched(tee):
    owner, intruder = Caller(), Caller()
    line_id = owner.add(sku_of(tee), 2).json()["items"][0]["id"]
    intruder.get()

    assert intruder.change(line_id, 1).status_code == 404
    assert intruder.change(line_id, 1).json()["code"] == "cart_line_not_found"
    assert intruder.remove(line_id).status_code == 404
    assert owner.get().json()["items"][0]["quantity"] == 2


def test_another_users_line_is_not_found(tee):
    ada = get_user_model().objects.create_user(email="ada@example.com")
    bob = get_user_model().objects.create_user(email="bob@example.com")
    ada_client, bob_client = APIClient(), APIClient()
    ada_client.force_authenticate(ada)
    bob_client.force_authenticate(bob)
    line_id = ada_client.post(ITEMS, {"sku": sku_of(tee)}).json()["items"][0]["id"]

    assert bob_client.patch(item_url(line_id), {"quantity": 2}).status_code == 404
    assert bob_client.delete(item_url(line_id)).status_code == 404
    assert ada_client.get(CART).json()["items"][0]["quantity"] == 1


def test_a_signed_in_caller_has_one_cart_and_no_token(tee):
    ada = get_user_model().objects.create_user(email="ada@example.com")
    client = APIClient()
    client.force_authenticate(ada)

    response = client.post(ITEMS, {"sku": sku_of(tee), "quantity": 2})

    assert response.status_code == 201
    assert "X-Cart-Token" not in response.headers
    other_device = APIClient()
    other_device.force_authenticate(ada)
    assert other_device.get(CART).json()["item_count"] == 2


def test_a_signed_in_caller_sending_an_anonymous_token_gets_that_cart_merged(tee):
    anonymous = Caller()
    anonymous.add(sku_of(tee), 2)
    ada = get_user_model().objects.create_user(email="ada@example.com")
    client = APIClient()
    client.force_authenticate(ada)
    client.post(ITEMS, {"sku": sku_of(tee), "quantity": 1})

    merged = client.get(CART, HTTP_X_CART_TOKEN=anonymous.token).json()

    assert [item["quantity"] for item in merged["items"]] == [3]
    assert anonymous.get().json()["items"] == []


def test_a_price_change_since_adding_is_reported(tee):
    caller = Caller()
    caller.add(sku_of(tee))
    Variant.objects.filter(sku=sku_of(tee)).update(price="25.00")

    item = caller.get().json()["items"][0]

    assert item["price_changed"] is True
    assert (item["unit_price"], item["previous_unit_price"]) == ("25.00", "20.00")


def test_a_withdrawn_product_stays_in_the_cart_flagged_and_out_of_the_subtotal(tee):
    other = make_product(price="5.00")
    caller = Caller()
    caller.add(sku_of(tee))
    caller.add(sku_of(other))
    tee.is_active = False
    tee.save()

    cart = caller.get().json()

    assert [item["problem"] for item in cart["items"]] == ["unavailable", None]
    assert cart["subtotal"] == "5.00"
    assert cart["has_problems"] is True


def _cart_queries(caller) -> int:
    with AllQueries() as queries:
        assert caller.get().status_code == 200
    return len(queries)


def test_showing_a_cart_costs_the_same_queries_for_1_or_50_lines(settings):
    settings.CART_MAX_LINES = 60
    products = [make_product(stock=3) for _ in range(50)]
    small, large = Caller(), Caller()
    small.add(sku_of(products[0]))
    for product in products:
        large.add(sku_of(product))

    assert len(large.get().json()["items"]) == 50
    # The cart's lines and their variants, then the estimate: shipping's zones,
    # methods and rates, taxes' rates there and at home.
    assert _cart_queries(small) == _cart_queries(large) <= 3 + 5


def test_a_cart_holds_a_bounded_number_of_lines(settings):
    settings.CART_MAX_LINES = 2
    caller = Caller()
    for _ in range(2):
        assert caller.add(sku_of(make_product())).status_code == 201

    response = caller.add(sku_of(make_product()))

    assert response.status_code == 400
    assert response.json()["code"] == "cart_full"


def test_cart_responses_are_never_cached(tee):
    response = Caller().get()

    assert "no-store" in response["Cache-Control"]


def test_removing_a_line_with_a_made_up_token_is_the_documented_400():
    response = APIClient().delete(item_url(1), HTTP_X_CART_TOKEN="my-own-token")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cart_token"
    assert_documented(response, "delete", "/api/v1/cart/items/{line_id}/")


def test_a_sku_with_a_nul_byte_is_an_unknown_sku(tee):
    """On PostgreSQL, which refuses NUL bytes in a query, this was a server error."""
    response = Caller().add(sku_of(tee) + "\x00")

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_sku"
