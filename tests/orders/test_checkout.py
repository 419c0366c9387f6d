"""
The purchase saga end to end on the laptop defaults: cart → checkout (stock
reserved, payment asked for) → the test gateway → exactly one order, or the
stock back on a decline or expiry.
"""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from shop.accounts.services import addresses as accounts
from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.catalog.models import Reservation, Variant
from shop.core.remote.client import remote_module
from shop.orders.checkout import completion, expiry, starting
from shop.orders.models import Checkout, Order, SentEmail
from shop.payments import public as payments
from tests.catalog.factories import make_product
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CHECKOUT = "/api/v1/checkout/"
LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def make_buyer(email="ada@example.com", verified=True):
    user = get_user_model().objects.create_user(email=email, password="pw-for-tests-1")
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    accounts.add_address(user.pk, **LONDON, is_default=True)
    return user


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def fill_cart(client, sku, quantity=1):
    response = client.post("/api/v1/cart/items/", {"sku": sku, "quantity": quantity})
    assert response.status_code in (200, 201), response.content


def start(client, key="key-1", **body):
    body.setdefault("shipping_method", "standard")
    return client.post(CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def pay(client, checkout: dict, outcome="succeeded"):
    link = urlsplit(checkout["payment"]["redirect_url"]).path
    response = client.post(f"/api/v1{link}", {"outcome": outcome})
    assert response.status_code in (200, 202), response.content


def status_of(client, checkout_id) -> dict:
    return client.get(f"{CHECKOUT}{checkout_id}/").json()


def available(sku) -> int:
    return catalog.get_variant(sku).available


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5).variants.get().sku


@pytest.fixture
def ada():
    return make_buyer()


@pytest.fixture
def api(ada):
    return api_for(ada)


def test_paying_turns_the_checkout_into_one_order_and_empties_the_cart(api, ada, tee):
    fill_cart(api, tee, 2)

    started = start(api)
    assert started.status_code == 201, started.content
    checkout = started.json()
    assert (checkout["status"], checkout["subtotal"], checkout["shipping_cost"]) == (
        "awaiting_payment",
        "40.00",
        "4.90",
    )
    assert checkout["total"] == "44.90"
    assert re.fullmatch(
        rf"http://testserver/payments/test/{checkout['payment']['id']}/[0-9a-f]{{32}}/",
        checkout["payment"]["redirect_url"],
    )
    assert available(tee) == 3  # held for this checkout

    pay(api, checkout)

    done = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "completed" and s)
    assert done["order_number"]
    order = Order.objects.get(number=done["order_number"])
    assert (order.user_id, order.total, order.status) == (ada.pk, checkout_total(checkout), "paid")
    assert Variant.objects.get(sku=tee).stock_on_hand == 3
    assert cart.get_cart_lines(user_id=ada.pk) == ()
    assert wait_for(lambda: SentEmail.objects.filter(order=order, kind="placed").exists())


def checkout_total(checkout) -> Decimal:
    return Decimal(checkout["total"])


def test_the_same_idempotency_key_returns_the_same_checkout_without_a_second_hold(api, tee):
    fill_cart(api, tee, 2)
    first = start(api, key="retry-me")

    again = start(api, key="retry-me")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["payment"]["id"] == first.json()["payment"]["id"]
    assert Reservation.objects.count() == 1
    assert available(tee) == 3


def test_the_same_key_sent_again_after_the_purchase_emptied_the_cart_returns_its_checkout(
    api, ada, tee
):
    fill_cart(api, tee)
    first = start(api, key="bought").json()
    pay(api, first)
    assert wait_for(lambda: status_of(api, first["id"])["status"] == "completed")
    assert cart.get_cart_lines(user_id=ada.pk) == ()

    again = start(api, key="bought")

    assert again.status_code == 200, again.content
    assert (again.json()["id"], again.json()["status"]) == (first["id"], "completed")
    assert start(api, key="another").json()["code"] == "cart_empty"


def test_a_request_that_loses_the_race_for_its_key_answers_200_with_the_winners_checkout(
    api, tee, monkeypatch
):
    """
    Two requests with one key both find no checkout, both insert: the loser
    hits the unique key. Its answer is 200 with the winner's checkout, decided
    from what starting the checkout did, not from the lookup made before it.
    """
    fill_cart(api, tee)
    real_create = starting._create
    winner = {}

    def the_other_request_inserts_first(*args, **kwargs):
        if not winner:
            winner["checkout"] = real_create(*args, **kwargs)
        return real_create(*args, **kwargs)

    monkeypatch.setattr(starting, "_create", the_other_request_inserts_first)

    response = start(api, key="raced")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(winner["checkout"].pk)
    assert Checkout.objects.count() == 1
    # The loser's insert failed on the key before it held anything.
    assert Reservation.objects.count() == 1
    assert available(tee) == 4


@pytest.mark.parametrize(
    "key", ["k" * 256, "with\x00nul", "tab\tinside"], ids=["too-long", "nul", "control"]
)
def test_an_idempotency_key_that_is_too_long_or_holds_control_characters_is_refused(api, tee, key):
    fill_cart(api, tee)

    response = api.post(
        CHECKOUT, {"shipping_method": "standard"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Checkout.objects.exists()


def test_an_idempotency_key_of_255_characters_is_taken(api, tee):
    fill_cart(api, tee)

    assert start(api, key="k" * 255).status_code == 201


def test_reusing_a_key_for_a_different_request_is_refused(api, tee):
    fill_cart(api, tee)
    start(api, key="k")

    response = start(api, key="k", shipping_method="express")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"


def test_out_of_stock_answers_409_naming_the_short_skus_and_holds_nothing(api, tee):
    mug = make_product("Mug", stock=3).variants.get().sku
    fill_cart(api, tee, 5)
    fill_cart(api, mug, 2)
    Variant.objects.filter(sku=tee).update(stock_on_hand=1)

    response = start(api)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "out_of_stock"
    assert body["shortages"] == [{"sku": tee, "requested": 5, "available": 1}]
    assert not Checkout.objects.exists()
    assert available(mug) == 3


def test_an_empty_cart_answers_400_cart_empty(api):
    response = start(api)

    assert response.status_code == 400
    assert response.json()["code"] == "cart_empty"


def test_an_unverified_email_answers_403_email_unverified(tee):
    client = api_for(make_buyer("grace@example.com", verified=False))
    fill_cart(client, tee)

    response = start(client)

    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"


def test_signed_out_callers_get_401():
    assert APIClient().post(CHECKOUT, {"shipping_method": "standard"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"shipping_method": "teleport"}, "invalid_shipping_method"),
        ({"shipping_method": "standard", "address_id": 999999}, "address_not_found"),
        ({"shipping_method": "standard", "shipping_address": {"city": "X"}}, "invalid"),
        ({}, "invalid"),
    ],
)
def test_bad_checkout_requests_answer_4xx_with_a_code(api, tee, body, code):
    fill_cart(api, tee)

    response = api.post(CHECKOUT, body, format="json")

    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    assert not Checkout.objects.exists()


def test_a_typed_in_address_is_frozen_on_the_checkout(api, tee):
    fill_cart(api, tee)
    paris = {**LONDON, "full_name": "Ada L.", "city": "Paris", "country": "FR"}

    checkout = start(api, shipping_address=paris).json()

    assert checkout["shipping_address"]["city"] == "Paris"
    assert checkout["shipping_address"]["country"] == "FR"


def test_express_costs_more_and_standard_is_free_over_the_threshold(api):
    big = make_product(price="60.00").variants.get().sku
    fill_cart(api, big)

    standard = start(api, key="a").json()
    express = start(api, key="b", shipping_method="express").json()

    assert standard["shipping_cost"] == "0.00"
    assert express["shipping_cost"] == "12.90"


def test_another_users_checkout_is_not_found(api, tee):
    fill_cart(api, tee)
    checkout_id = start(api).json()["id"]
    intruder = api_for(make_buyer("eve@example.com"))

    assert intruder.get(f"{CHECKOUT}{checkout_id}/").status_code == 404
    assert intruder.get(f"{CHECKOUT}not-a-uuid/").status_code == 404


def test_a_declined_payment_releases_the_stock_and_keeps_the_cart_for_a_retry(api, ada, tee):
    fill_cart(api, tee, 2)
    checkout = start(api, key="first").json()

    pay(api, checkout, "failed")

    failed = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "failed" and s)
    assert failed["failure_reason"]
    assert failed["payment"] is None or failed["payment"]["redirect_url"] == ""
    assert available(tee) == 5
    assert len(cart.get_cart_lines(user_id=ada.pk)) == 1

    retry = start(api, key="second").json()
    pay(api, retry)
    assert wait_for(lambda: status_of(api, retry["id"])["status"] == "completed")
    assert Order.objects.count() == 1


def test_a_success_delivered_twice_makes_one_order(api, tee):
    fill_cart(api, tee)
    checkout = start(api).json()
    pay(api, checkout)
    assert wait_for(lambda: status_of(api, checkout["id"])["status"] == "completed")

    completion.complete_checkout(checkout["id"])
    completion.fail_checkout(checkout["id"], "declined")

    assert Order.objects.count() == 1
    assert status_of(api, checkout["id"])["status"] == "completed"


def expire_checkout(checkout_id) -> int:
    """Run the expiry task as if the checkout's time had run out."""
    Checkout.objects.filter(pk=checkout_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    Reservation.objects.filter(key=f"checkout:{checkout_id}").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return expiry.expire_checkouts()


def test_an_unpaid_checkout_expires_its_stock_returns_and_its_payment_closes(api, tee):
    fill_cart(api, tee, 2)
    checkout = start(api).json()

    assert expire_checkout(checkout["id"]) == 1

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert available(tee) == 5
    assert wait_for(lambda: payments.get_payment(checkout["payment"]["id"]).status == "canceled")


def test_a_payment_after_expiry_still_becomes_an_order_while_stock_lasts(api, tee):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    expire_checkout(checkout["id"])

    completion.complete_checkout(checkout["id"])

    assert status_of(api, checkout["id"])["status"] == "completed"
    assert Variant.objects.get(sku=tee).stock_on_hand == 3


def gateway_away(**kwargs):
    raise payments.GatewayUnavailable()


def payments_service_away(**kwargs):
    """payments run as a service of its own (SHOP_REMOTE_APPS) that does not answer."""
    return remote_module("payments", "http://127.0.0.1:9").create_payment(**kwargs)


OUTAGES = pytest.mark.parametrize(
    "unreachable, code",
    [
        (gateway_away, "payment_gateway_unavailable"),
        (payments_service_away, "payments_unavailable"),
    ],
    ids=["gateway", "payments-service"],
)


@OUTAGES
def test_a_payments_outage_keeps_a_keyed_checkout_and_the_same_key_resumes_it(
    api, tee, monkeypatch, settings, unreachable, code
):
    settings.SHOP_REMOTE_RETRIES = 0
    fill_cart(api, tee, 2)
    real = payments.create_payment

    monkeypatch.setattr(payments, "create_payment", unreachable)
    down = start(api, key="k-outage")
    assert down.status_code == 503
    assert down.json()["code"] == code
    assert available(tee) == 3
    still_down = start(api, key="k-outage")
    assert (still_down.status_code, still_down.json()["checkout_id"]) == (
        503,
        down.json()["checkout_id"],
    )

    monkeypatch.setattr(payments, "create_payment", real)
    resumed = start(api, key="k-outage")

    assert resumed.status_code == 200
    assert resumed.json()["id"] == down.json()["checkout_id"]
    assert resumed.json()["payment"]["redirect_url"]
    assert available(tee) == 3


@OUTAGES
def test_a_payments_outage_without_a_key_gives_the_stock_back(
    api, tee, monkeypatch, settings, unreachable, code
):
    settings.SHOP_REMOTE_RETRIES = 0
    fill_cart(api, tee, 2)

    monkeypatch.setattr(payments, "create_payment", unreachable)
    response = api.post(CHECKOUT, {"shipping_method": "standard"}, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == code
    assert available(tee) == 5
    assert Checkout.objects.get().status == "failed"
