"""
The API's throttles (``shop.core.api.throttling``): one anonymous client
hammering the cart is stopped with 429 and told when to come back; a
customer shopping, many customers behind one address, Stripe's webhook and
the other services' internal calls are not.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from tests.api.contract import assert_documented, published_schema
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/cart/items/"


@pytest.fixture
def sku():
    return make_product("Tee", price="20.00", stock=1000).variants.get().sku


@pytest.fixture
def rates(settings):
    """``rates(anon_write="3/min")`` changes some of the API's rates for the test."""

    def change(**changed):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **changed},
        }

    return change


def add_to_cart(client, sku):
    return client.post(ITEMS, {"sku": sku, "quantity": 1}, format="json")


def customer(email):
    user = get_user_model().objects.create_user(email=email, password="pw-12345!")
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_anonymous_client_sending_300_cart_writes_a_minute_is_throttled(sku):
    published_schema()  # fetched now: the 300 requests use up this address's reads too
    client = APIClient()

    answers = [add_to_cart(client, sku) for _ in range(300)]

    throttled = [answer for answer in answers if answer.status_code == 429]
    assert len(throttled) == 240  # 60 changes a minute by default
    assert {answer.status_code for answer in answers[:60]} == {201}
    last = throttled[-1]
    assert last.json()["code"] == "throttled"
    assert 1 <= last.json()["retry_after"] <= 60
    assert last["Retry-After"] == str(last.json()["retry_after"])
    assert_documented(last, "post", ITEMS)


def test_a_customer_shopping_at_a_brisk_pace_is_never_throttled(sku):
    client = customer("ada@example.com")
    answers = []
    for _ in range(20):
        answers.append(add_to_cart(client, sku))
        answers.extend(client.get("/api/v1/cart/") for _ in range(5))
        answers.append(client.get("/api/v1/catalog/products/"))

    assert 429 not in {answer.status_code for answer in answers}


def test_customers_are_throttled_each_on_their_own_not_by_the_address_they_share(sku, rates):
    rates(user_write="3/min")
    greedy, other = customer("greedy@example.com"), customer("grace@example.com")

    greedy_answers = [add_to_cart(greedy, sku).status_code for _ in range(4)]

    assert greedy_answers == [201, 200, 200, 429]  # a line, then more of it
    assert add_to_cart(other, sku).status_code == 201  # same 127.0.0.1


def test_reads_have_an_allowance_of_their_own(sku, rates):
    rates(anon="5/min")
    client = APIClient()

    reads = [client.get("/api/v1/cart/").status_code for _ in range(6)]

    assert reads == [200] * 5 + [429]


def test_catalog_pages_served_from_the_shared_cache_are_not_counted(sku, rates):
    """A cached page costs one cache read: serving it is cheaper than counting it."""
    rates(anon="5/min")
    client = APIClient()

    reads = [client.get("/api/v1/catalog/products/") for _ in range(10)]

    assert {read.status_code for read in reads} == {200}
    assert reads[-1]["X-Page-Cache"] == "hit"


def test_behind_a_proxy_anonymous_clients_are_throttled_each_by_their_own_address(
    sku, rates, settings
):
    rates(anon_write="3/min")
    settings.TRUSTED_PROXY_COUNT = 1
    hammering = APIClient(HTTP_X_FORWARDED_FOR="203.0.113.9")
    shopper = APIClient(HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert [add_to_cart(hammering, sku).status_code for _ in range(4)][-1] == 429
    assert add_to_cart(shopper, sku).status_code == 201


def test_a_made_up_forwarded_for_does_not_reset_the_allowance(sku, rates):
    rates(anon_write="3/min")  # no proxy is trusted: the header is the client's own
    answers = [
        add_to_cart(APIClient(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), sku).status_code
        for n in range(4)
    ]

    assert answers[-1] == 429


def test_stripe_webhooks_and_other_services_calls_are_not_throttled_as_clients(rates, settings):
    rates(anon="2/min", anon_write="2/min")
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    client = Client()

    webhooks = {
        client.post(
            "/api/v1/payments/webhooks/stripe/",
            b"{}",
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE="t=1,v1=bad",
        ).status_code
        for _ in range(10)
    }
    internal = {
        client.post(
            "/internal/catalog/get_variants/", b"{}", content_type="application/json"
        ).status_code
        for _ in range(10)
    }

    assert webhooks == {400}
    assert internal == {403}


def test_an_empty_rate_lifts_that_limit(sku, rates):
    rates(anon_write="")
    client = APIClient()

    assert {add_to_cart(client, sku).status_code for _ in range(70)} == {201}


def test_every_throttled_operation_documents_its_429_and_the_webhook_none():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not path.startswith("/api/v1/"):
                continue
            documented = "429" in operation["responses"]
            assert documented is (path != "/api/v1/payments/webhooks/stripe/"), (method, path)
    throttled = schema["paths"]["/api/v1/cart/items/"]["post"]["responses"]["429"]
    assert throttled["headers"]["Retry-After"]["required"] is True


def test_an_erp_repricing_the_catalog_one_sku_at_a_time_is_held_to_the_user_rate_only(sku, rates):
    rates(user="100/min")
    erp = get_user_model().objects.create_user(email="erp@example.com", is_staff=True)
    erp.groups.add(Group.objects.get(name="Catalog managers"))
    client = APIClient()
    client.force_authenticate(erp)
    path = f"/api/v1/catalog/variants/{sku}/"

    answers = [client.patch(path, {"price": f"{20 + n}.00"}, format="json") for n in range(101)]

    assert {answer.status_code for answer in answers[:100]} == {200}
    assert answers[100].status_code == 429
