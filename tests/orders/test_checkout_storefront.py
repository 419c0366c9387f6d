"""Checking out in the browser: the form, the test gateway's page, and the wait for the order."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from shop.accounts import public as accounts_public
from shop.accounts.services import addresses as accounts
from shop.orders.models import Checkout
from tests.catalog.factories import make_product
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def signed_in(client, *, verified=True, address=True):
    user = get_user_model().objects.create_user(email="ada@example.com", password="pw-1-test")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    if address:
        accounts.add_address(user.pk, **LONDON, is_default=True)
    client.force_login(user)
    return user


def form_key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5).variants.get().sku


def test_cart_to_order_in_the_browser_without_javascript(client, tee):
    user = signed_in(client)
    client.post("/cart/add/", {"sku": tee, "quantity": 2})
    assert 'href="/checkout/"' in client.get("/cart/").content.decode()

    page = client.get("/checkout/")
    assert "Ada Lovelace, 12 St James&#x27;s Square" in page.content.decode()
    address_id = accounts_public.get_default_address(user.pk).id
    started = client.post(
        "/checkout/",
        {"address": address_id, "shipping_method": "express", "idempotency_key": form_key(page)},
    )
    assert started.status_code == 302
    pay_page = started["Location"]
    assert re.fullmatch(r"/payments/test/[0-9a-f-]+/[0-9a-f]{32}/", pay_page)
    assert "€52.90" in text(client.get(pay_page))  # 2 x 20.00 + express 12.90

    back = client.post(pay_page, {"outcome": "succeeded"})
    checkout_page = back["Location"]
    assert "/checkout/" in checkout_page

    done = wait_for(lambda: "Thank you for your order" in text(client.get(checkout_page)))
    assert done
    page = text(client.get(checkout_page))
    number = re.search(r"your order (\S+) is placed", page).group(1)
    assert number in text(client.get(f"/orders/{number}/"))
    assert "Your cart is empty" in text(client.get("/cart/"))


def test_submitting_the_form_twice_starts_one_checkout(client, tee):
    signed_in(client)
    client.post("/cart/add/", {"sku": tee})
    page = client.get("/checkout/")
    form = {"address": "new", "shipping_method": "standard", "idempotency_key": form_key(page),
            **LONDON}  # fmt: skip

    first, second = client.post("/checkout/", form), client.post("/checkout/", form)

    assert first["Location"] == second["Location"]
    assert Checkout.objects.count() == 1


def test_an_unverified_customer_is_sent_to_confirm_the_email_first(client, tee):
    signed_in(client, verified=False)
    client.post("/cart/add/", {"sku": tee})

    response = client.get("/checkout/")

    assert response["Location"] == "/accounts/verify-email/?next=%2Fcheckout%2F"


def test_an_empty_cart_goes_back_signed_out_or_in(client):
    # Signed out, checkout is a guest's (tests/orders/test_guest_checkout.py).
    assert client.get("/checkout/")["Location"] == "/cart/"
    signed_in(client)
    assert client.get("/checkout/")["Location"] == "/cart/"


def test_a_new_address_needs_its_fields(client, tee):
    signed_in(client, address=False)
    client.post("/cart/add/", {"sku": tee})
    page = client.get("/checkout/")

    response = client.post(
        "/checkout/",
        {"address": "new", "shipping_method": "standard", "idempotency_key": form_key(page)},
    )

    assert response.status_code == 200
    assert "This field is required for a new address." in text(response)
    assert not Checkout.objects.exists()


def test_a_declined_payment_offers_to_try_again(client, tee):
    signed_in(client)
    client.post("/cart/add/", {"sku": tee})
    page = client.get("/checkout/")
    pay_page = client.post(
        "/checkout/",
        {"address": "new", "shipping_method": "standard", "idempotency_key": form_key(page),
         **LONDON},
    )["Location"]  # fmt: skip

    checkout_page = client.post(pay_page, {"outcome": "failed"})["Location"]

    assert wait_for(lambda: "did not go through" in text(client.get(checkout_page)))
    assert 'href="/checkout/"' in client.get(checkout_page).content.decode()


def test_trying_again_after_a_decline_starts_from_the_typed_address_and_delivery(client, tee):
    signed_in(client, address=False)
    client.post("/cart/add/", {"sku": tee})
    edinburgh = {"full_name": "Mary Somerville", "line1": "1 Jedburgh Road", "city": "Edinburgh",
                 "postal_code": "EH1 1AA", "country": "GB"}  # fmt: skip
    pay_page = client.post(
        "/checkout/",
        {"address": "new", "shipping_method": "express", "idempotency_key": form_key(
            client.get("/checkout/")), **edinburgh},
    )["Location"]  # fmt: skip
    client.post(pay_page, {"outcome": "failed"})
    assert wait_for(lambda: Checkout.objects.get().status == "failed")

    retry = client.get("/checkout/").content.decode()

    for value in edinburgh.values():
        assert f'value="{value}"' in retry or f'<option value="{value}" selected>' in retry
    assert re.search(r'value="express"[^>]*checked', retry)
    assert re.search(r'value="new"[^>]*checked', retry)


def test_another_customers_checkout_page_is_not_found(client, tee):
    signed_in(client)
    client.post("/cart/add/", {"sku": tee})
    page = client.get("/checkout/")
    client.post(
        "/checkout/",
        {"address": "new", "shipping_method": "standard", "idempotency_key": form_key(page),
         **LONDON},
    )  # fmt: skip
    checkout = Checkout.objects.get()
    client.logout()
    eve = get_user_model().objects.create_user(email="eve@example.com")
    client.force_login(eve)

    assert client.get(f"/checkout/{checkout.pk}/").status_code == 404
