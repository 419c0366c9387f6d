"""
A buyer without an account (decision 0023): the storefront and the API take
an anonymous cart, an email and an address through the same saga, the
German buyer sees 19 % VAT on the checkout, the order page and the email,
and the emails carry the order's keyed link instead of the account's.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client

from shop.orders import guests, notifications
from shop.orders.models import Checkout, Order, SentEmail
from shop.taxes.demo import seed_tax_rates
from tests.catalog.factories import make_product
from tests.conftest import wait_for

from .guest_helpers import BERLIN, GuestApi
from .test_checkout import available, pay

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture(autouse=True)
def rates(settings):
    settings.TAXES_HOME_COUNTRY = "DE"
    settings.TAXES_PRICES_INCLUDE_TAX = True
    seed_tax_rates()


@pytest.fixture
def jacket():
    return make_product("Jacket", price="119.00", stock=5).variants.get().sku


def form_key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)


def test_a_guest_buys_through_the_api_and_sees_19_percent_vat_on_checkout_order_and_email(
    jacket, client
):
    guest = GuestApi()
    guest.add(jacket)
    started = guest.start()
    assert started.status_code == 201, started.content
    checkout = started.json()
    assert checkout["total"] == "131.90"
    assert checkout["tax"]["totals"] == [
        {"rate": "19.00", "net": "110.84", "tax": "21.06", "gross": "131.90"}
    ]
    assert available(jacket) == 4

    pay(guest.client, checkout)
    done = wait_for(
        lambda: (s := guest.status_of(checkout["id"]).json())["status"] == "completed" and s
    )
    order = Order.objects.get(number=done["order_number"])
    assert (order.user_id, order.email, order.tax_total) == (
        None,
        "grace@example.com",
        Decimal("21.06"),
    )

    page = client.get(guests.order_path(order.number))
    assert page.status_code == 200
    assert "Incl. VAT 19 % on €110.84" in page.content.decode()

    assert wait_for(lambda: SentEmail.objects.filter(order=order, kind="placed").exists())
    placed = notifications.build_message(order, "placed")  # as sent (by a worker, perhaps)
    assert placed.to == ["grace@example.com"]
    assert "Incl. VAT 19 % on €110.84  €21.06" in placed.body
    assert guests.order_link(order.number) in placed.body
    assert f"/orders/{order.number}/\n" not in placed.body  # not the account's page
    cart = guest.client.get("/api/v1/cart/", **guest.headers()).json()
    assert cart["items"] == []


def test_a_guest_buys_in_the_browser_without_javascript(jacket):
    browser = Client()
    browser.post("/cart/add/", {"sku": jacket})
    assert 'href="/checkout/"' in browser.get("/cart/").content.decode()
    page = browser.get("/checkout/")
    assert page.status_code == 200
    assert "Email address" in text(page) and "Sign in instead" in text(page)

    address = dict(BERLIN)
    updated = browser.post("/checkout/", {"address": "new", **address, "update_delivery": "1"})
    assert "Express" in text(updated)
    started = browser.post(
        "/checkout/",
        {
            "email": "grace@example.com",
            "address": "new",
            **address,
            "shipping_method": "express",
            "idempotency_key": form_key(page),
        },
    )
    assert started.status_code == 302, text(started)
    pay_page = started["Location"]
    assert "€131.90" in text(browser.get(pay_page))
    back = browser.post(pay_page, {"outcome": "succeeded"})["Location"]
    checkout = Checkout.objects.get()
    assert back.endswith(guests.checkout_path(checkout.pk))

    # The page after paying opens from the link alone, the session gone.
    elsewhere = Client()
    assert wait_for(lambda: "Thank you for your order" in text(elsewhere.get(back)))
    done = elsewhere.get(back)
    number = re.search(r"your order (\S+) is placed", text(done)).group(1)
    assert "VAT 19 %" in text(done)
    assert guests.order_path(number) in done.content.decode()
    order_page = elsewhere.get(guests.order_path(number))
    assert "Incl. VAT 19 % on €110.84" in order_page.content.decode()
    assert "Your cart is empty" in text(browser.get("/cart/"))


def test_the_same_idempotency_key_returns_the_guest_the_same_checkout(jacket):
    guest = GuestApi()
    guest.add(jacket)
    first = guest.start(key="same")
    again = guest.start(key="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Checkout.objects.count() == 1
    assert available(jacket) == 4
    other_email = guest.start(key="same", email="someone@example.com")
    assert (other_email.status_code, other_email.json()["code"]) == (409, "idempotency_key_reused")


def test_a_new_guest_checkout_replaces_the_carts_earlier_one(jacket):
    guest = GuestApi()
    guest.add(jacket)
    first = guest.start(key="one").json()
    second = guest.start(key="two")
    assert second.status_code == 201
    assert Checkout.objects.get(pk=first["id"]).status == "expired"
    assert available(jacket) == 4


def test_a_guest_needs_an_email_a_cart_token_and_an_address(jacket):
    guest = GuestApi()
    guest.add(jacket)
    no_email = guest.start(email=None)
    assert (no_email.status_code, no_email.json()["code"]) == (400, "email_required")
    no_token = GuestApi().start()
    assert (no_token.status_code, no_token.json()["code"]) == (401, "not_authenticated")
    forged = GuestApi()
    forged.token = "made-up"
    assert forged.start().json()["code"] == "invalid_cart_token"
    no_address = guest.client.post(
        "/api/v1/checkout/",
        {"shipping_method": "express", "email": "grace@example.com"},
        format="json",
        **guest.headers(),
    )
    assert (no_address.status_code, no_address.json()["code"]) == (400, "address_required")
    assert Checkout.objects.count() == 0


def test_another_carts_checkout_is_a_404(jacket):
    guest = GuestApi()
    guest.add(jacket)
    checkout = guest.start().json()
    other = GuestApi()
    other.add(jacket)
    assert other.status_of(checkout["id"]).status_code == 404
    assert guest.status_of(checkout["id"]).status_code == 200
    assert GuestApi().status_of(checkout["id"]).status_code in (401, 403)
    wrong_key = Client().get(f"/checkout/guest/{checkout['id']}/{'0' * 32}/")
    assert wrong_key.status_code == 404
    assert Client().get(f"/checkout/{checkout['id']}/").status_code == 404


def test_following_a_guest_checkout_costs_a_few_queries(jacket, django_assert_max_num_queries):
    guest = GuestApi()
    guest.add(jacket)
    checkout = guest.start().json()
    with django_assert_max_num_queries(6):
        assert guest.status_of(checkout["id"]).status_code == 200
    with django_assert_max_num_queries(6):
        assert Client().get(guests.checkout_path(checkout["id"])).status_code == 200


def test_a_guest_sees_the_delivery_options_for_their_cart(jacket):
    guest = GuestApi()
    guest.add(jacket)
    options = guest.client.get(
        "/api/v1/checkout/shipping-options/", {"country": "DE"}, **guest.headers()
    )
    assert options.status_code == 200
    assert options.json()["subtotal"] == "119.00"
    assert {o["code"] for o in options.json()["options"]} == {"standard", "express"}


def test_a_declined_guest_starts_again_from_what_they_typed(jacket):
    browser = Client()
    browser.post("/cart/add/", {"sku": jacket})
    page = browser.get("/checkout/")
    started = browser.post(
        "/checkout/",
        {
            "email": "grace@example.com",
            "address": "new",
            **BERLIN,
            "shipping_method": "express",
            "idempotency_key": form_key(page),
        },
    )
    back = browser.post(started["Location"], {"outcome": "failed"})["Location"]
    assert wait_for(lambda: "did not go through" in text(browser.get(back)))
    again = browser.get("/checkout/").content.decode()
    assert 'value="grace@example.com"' in again
    assert 'value="Unter den Linden 1"' in again
    assert available(jacket) == 5


def test_a_guests_checkout_page_and_start_cost_a_bounded_number_of_queries(
    jacket, django_assert_max_num_queries
):
    browser = Client()
    browser.post("/cart/add/", {"sku": jacket, "quantity": 2})
    with django_assert_max_num_queries(12):
        assert browser.get("/checkout/").status_code == 200
    guest = GuestApi()
    guest.add(jacket, 2)
    # Orders, cart, catalog (the hold), shipping, taxes and payments, as a customer's.
    with django_assert_max_num_queries(48):
        assert guest.start().status_code == 201
