"""The cart in the browser: add from the product page, change and remove lines, sign in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from shop.catalog.models import Variant
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-1843"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def add(client, sku, quantity=1, **headers):
    return client.post("/cart/add/", {"sku": sku, "quantity": quantity}, **headers)


def line_ids(client) -> list[int]:
    page = client.get("/cart/").content.decode()
    return [int(found) for found in re.findall(r'action="/cart/lines/(\d+)/"', page)]


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5)


def test_product_page_adds_to_cart_and_the_cart_page_shows_it(client, tee):
    page = client.get(f"/p/{tee.slug}/").content.decode()
    assert 'action="/cart/add/"' in page

    response = add(client, tee.variants.get().sku, 2)

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    cart = text(client.get("/cart/"))
    assert "Added 2 of Tee to your cart." in cart
    assert "Tee" in cart and "€40.00" in cart
    assert "Subtotal (2 items)" in cart


def test_the_header_counts_what_is_in_the_cart(client, tee):
    assert "Cart" in text(client.get("/"))
    add(client, tee.variants.get().sku, 3)

    header = client.get("/").content.decode()

    assert re.search(r'class="site-nav__cart"[^>]*>Cart <span[^>]*>3</span>', header)


def test_product_pages_stay_cacheable_for_visitors_without_cookies(
    tee, django_assert_max_num_queries
):
    Client().get(f"/p/{tee.slug}/")

    with django_assert_max_num_queries(0):
        page = Client().get(f"/p/{tee.slug}/")

    assert 'action="/cart/add/"' in page.content.decode()
    assert "Set-Cookie" not in page.headers


def test_a_cookie_less_visitor_can_add_from_a_cached_page(tee):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(f"/p/{tee.slug}/")

    response = add(visitor, tee.variants.get().sku, HTTP_ORIGIN="http://testserver")

    assert response.status_code == 302
    assert "Tee" in text(visitor.get("/cart/"))


def test_another_site_cannot_add_to_a_visitors_cart(tee):
    visitor = Client(enforce_csrf_checks=True)

    response = add(visitor, tee.variants.get().sku, HTTP_ORIGIN="https://evil.example")
    referred = add(visitor, tee.variants.get().sku, HTTP_REFERER="https://evil.example/page")

    assert (response.status_code, referred.status_code) == (403, 403)
    assert "Your cart is empty" in text(visitor.get("/cart/"))


def test_adding_more_than_in_stock_goes_back_with_an_explanation(client, tee):
    sku = tee.variants.get().sku

    response = add(client, sku, 9, HTTP_REFERER=f"http://testserver/p/{tee.slug}/")

    assert response["Location"] == f"http://testserver/p/{tee.slug}/"
    assert "Only 5 of Tee can be bought right now." in text(client.get(f"/p/{tee.slug}/"))
    assert "Your cart is empty" in text(client.get("/cart/"))


def test_bad_quantity_from_a_tampered_form_is_explained(client, tee):
    add(client, tee.variants.get().sku, "lots")

    assert "The quantity must be a whole number from 1 to 99." in text(client.get("/cart/"))


def test_an_out_of_stock_variant_shows_no_add_button(client):
    gone = make_product(stock=0)

    page = text(client.get(f"/p/{gone.slug}/"))

    assert "Out of stock" in page
    assert 'action="/cart/add/"' not in client.get(f"/p/{gone.slug}/").content.decode()


def test_changing_and_removing_lines_on_the_cart_page(client, tee):
    other = make_product("Mug", price="8.00")
    add(client, tee.variants.get().sku)
    add(client, other.variants.get().sku)
    tee_line, mug_line = line_ids(client)

    client.post(f"/cart/lines/{tee_line}/", {"quantity": 3})
    assert "Subtotal (4 items)" in text(client.get("/cart/"))

    client.post(f"/cart/lines/{tee_line}/", {"quantity": 8})
    assert "Only 5 of Tee can be bought right now." in text(client.get("/cart/"))

    client.post(f"/cart/lines/{mug_line}/remove/")
    client.post(f"/cart/lines/{tee_line}/", {"quantity": 0})
    assert "Your cart is empty" in text(client.get("/cart/"))


def test_the_cart_page_forms_need_the_csrf_token(tee):
    visitor = Client(enforce_csrf_checks=True)
    add(visitor, tee.variants.get().sku)
    (line,) = line_ids(visitor)

    assert visitor.post(f"/cart/lines/{line}/remove/").status_code == 403


def test_another_visitors_line_cannot_be_changed(client, tee):
    add(client, tee.variants.get().sku, 2)
    (line,) = line_ids(client)
    stranger = Client()
    stranger.get("/")

    stranger.post(f"/cart/lines/{line}/", {"quantity": 1})
    stranger.post(f"/cart/lines/{line}/remove/")

    assert "No such line in your cart." in text(stranger.get("/cart/"))
    assert "Subtotal (2 items)" in text(client.get("/cart/"))


def test_the_cart_page_flags_price_changes_and_withdrawn_products(client, tee):
    add(client, tee.variants.get().sku)
    Variant.objects.filter(pk=tee.variants.get().pk).update(price="18.00")
    page = text(client.get("/cart/"))
    assert "The price of Tee has changed from €20.00 to €18.00 since you added it." in page

    tee.is_active = False
    tee.save()
    assert "No longer available" in text(client.get("/cart/"))


def test_signing_in_merges_the_visitors_cart_into_the_saved_one(client, tee):
    ada = get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=ada, email=ada.email, primary=True, verified=True)
    mug = make_product("Mug", stock=2)
    saved = Client()
    saved.force_login(ada)
    add(saved, tee.variants.get().sku, 1)
    saved.logout()
    add(client, tee.variants.get().sku, 2)
    add(client, mug.variants.get().sku, 2)
    Variant.objects.filter(pk=mug.variants.get().pk).update(stock_on_hand=1)

    client.post("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD})

    page = text(client.get("/cart/"))
    assert "Subtotal (4 items)" in page  # 1 + 2 tees, 1 mug (capped by stock)
    assert "Some quantities were lowered to what is in stock" in page
    client.post("/accounts/logout/")
    assert "Your cart is empty" in text(client.get("/cart/"))
