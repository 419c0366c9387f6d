"""
Catalog pages for a signed-in customer: served from the shared page cache
with their own header (decision 0036), never stale and never another's.

Changes run inside ``committed()``: the catalog version is bumped when the
change commits, as it would be outside a test.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shop.cart.selectors import item_count
from shop.cart.services import Owner
from shop.catalog import public
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the block as a committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mug():
    return make_product("Mug", price="10.00", stock=7, slug="mug", category=make_category("Mugs"))


def customer(email: str, first_name: str) -> Client:
    user = get_user_model().objects.create_user(
        email=email, password="quiet-harbour-1843", first_name=first_name
    )
    browser = Client()
    browser.force_login(user)
    return browser


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def header(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[: html.index("</header>")]))


def cart_badge(response) -> str | None:
    found = re.search(r'class="badge badge--plain"[^>]*>(\d+)<', response.content.decode())
    return found.group(1) if found else None


def add(browser, sku, quantity=1):
    return browser.post("/cart/add/", {"sku": sku, "quantity": quantity})


@pytest.mark.parametrize("url", ["/c/mugs/", "/p/mug/"])
def test_a_signed_in_customer_gets_the_cached_page_with_their_own_header(client, mug, url):
    client.get(url)  # a visitor without a cookie fills the shared cache
    ana = customer("ana@example.com", "Ana")

    page = ana.get(url)

    assert page["X-Page-Cache"] == "filled"
    assert "private" in page["Cache-Control"]
    assert "Hi, Ana" in header(page)
    assert "Sign out" in header(page)
    assert "Sign in" not in header(page)
    assert "Mug" in text(page)


@pytest.mark.parametrize("url", ["/c/mugs/", "/p/mug/"])
def test_a_signed_in_customer_sees_their_name_and_never_another_customers(mug, url):
    ana, ben = customer("ana@example.com", "Ana"), customer("ben@example.com", "Ben")

    first = ana.get(url)  # a miss: the shared page is rendered as for nobody, then filled
    second = ben.get(url)

    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "filled"
    assert "Hi, Ana" in header(first) and "Ben" not in text(first)
    assert "Hi, Ben" in header(second) and "Ana" not in text(second)
    anonymous = Client().get(url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert "Ana" not in text(anonymous) and "Ben" not in text(anonymous)
    assert "Sign in" in header(anonymous)


def test_each_customer_gets_a_csrf_token_of_their_own_to_sign_out(mug):
    ana, ben = customer("ana@example.com", "Ana"), customer("ben@example.com", "Ben")
    pattern = r'name="csrfmiddlewaretoken" value="([^"]+)"'

    ana_token = re.search(pattern, ana.get("/p/mug/").content.decode()).group(1)
    ben_token = re.search(pattern, ben.get("/p/mug/").content.decode()).group(1)

    assert ana_token != ben_token
    assert "csrfmiddlewaretoken" not in Client().get("/p/mug/").content.decode()


@pytest.mark.parametrize("url", ["/c/mugs/", "/p/mug/"])
def test_a_signed_in_customer_sees_their_cart_count_right_after_adding(mug, url):
    ana, ben = customer("ana@example.com", "Ana"), customer("ben@example.com", "Ben")
    assert cart_badge(ana.get(url)) is None

    add(ana, mug.variants.get().sku, 2)

    assert cart_badge(ana.get(url)) == "2"  # with the flash message: a full render
    cached = ana.get(url)
    assert cached["X-Page-Cache"] == "filled" and cart_badge(cached) == "2"
    assert cart_badge(ben.get(url)) is None
    add(ana, mug.variants.get().sku, 1)
    ana.get(url)
    assert cart_badge(ana.get(url)) == "3"


def test_the_cart_count_follows_a_change_made_on_the_cart_page(mug):
    ana = customer("ana@example.com", "Ana")
    add(ana, mug.variants.get().sku, 3)
    assert cart_badge(ana.get("/p/mug/")) == "3"
    line = re.search(r'action="/cart/lines/(\d+)/"', ana.get("/cart/").content.decode()).group(1)

    ana.post(f"/cart/lines/{line}/", {"quantity": 1})
    ana.get("/p/mug/")  # the flash message

    page = ana.get("/p/mug/")
    assert page["X-Page-Cache"] == "filled" and cart_badge(page) == "1"


def test_a_count_read_before_a_change_commits_is_never_served_after_it(
    mug, django_capture_on_commit_callbacks
):
    ana = customer("ana@example.com", "Ana")
    user_id = int(ana.session["_auth_user_id"])
    add(ana, mug.variants.get().sku, 1)
    owner = Owner(user_id=user_id)
    assert item_count(owner) == 1

    with django_capture_on_commit_callbacks(execute=True):
        add(ana, mug.variants.get().sku, 1)
        # Another request counts now, as if the change were not yet visible to it.
        item_count(owner)

    assert cart_badge(ana.get("/p/mug/")) == "2"


@pytest.mark.parametrize("url", ["/c/mugs/", "/p/mug/"])
def test_a_signed_in_customer_sees_the_new_price_right_after_a_price_change(
    client, mug, committed, url
):
    ana = customer("ana@example.com", "Ana")
    assert "€10.00" in text(ana.get(url))

    with committed():
        variant = mug.variants.get()
        variant.price = "12.50"
        variant.save()

    page = ana.get(url)
    assert "€12.50" in text(page)
    assert "€10.00" not in text(page)


@pytest.mark.parametrize("url", ["/c/mugs/", "/p/mug/"])
def test_a_signed_in_customer_sees_a_sale_price_as_soon_as_the_sale_starts(mug, url):
    ana = customer("ana@example.com", "Ana")
    starts = timezone.now() + timedelta(hours=1)
    sale(value="50", product_ids=[mug.pk], starts_at=starts)
    deliver_sales()
    ana.get(url)
    assert "€5.00" not in text(ana.get(url))

    with mock.patch("django.utils.timezone.now", return_value=starts + timedelta(seconds=1)):
        page = ana.get(url)

    assert page["X-Page-Cache"] == "filled"
    assert "€5.00" in text(page)


def test_a_signed_in_customer_sees_the_right_stock(mug, committed):
    ana = customer("ana@example.com", "Ana")
    assert "In stock" in text(ana.get("/p/mug/"))

    variant = mug.variants.get()
    variant.stock_on_hand = 2
    with committed():
        variant.save()
    assert "Only 2 left" in text(ana.get("/p/mug/"))

    with committed():
        public.reserve_stock("checkout-1", [(variant.sku, 2)], timedelta(minutes=15))
    assert "Out of stock" in text(ana.get("/p/mug/"))
    assert "Out of stock" in text(ana.get("/c/mugs/"))


def test_a_flash_message_shows_once_to_the_customer_it_was_for(mug):
    ana = customer("ana@example.com", "Ana")
    ana.get("/p/mug/")
    add(ana, mug.variants.get().sku, 1)  # the cart says what was added, on the next page

    page = ana.get("/p/mug/")

    assert "X-Page-Cache" not in page  # a full render shows the message
    assert 'class="messages"' in page.content.decode()
    again = ana.get("/p/mug/")
    assert again["X-Page-Cache"] == "filled"
    assert 'class="messages"' not in again.content.decode()


def test_a_signed_in_customer_with_a_cart_gets_a_cached_page_without_a_query(
    client, mug, django_assert_num_queries
):
    ana = customer("ana@example.com", "Ana")
    add(ana, mug.variants.get().sku, 1)
    for url in ("/c/mugs/", "/p/mug/"):
        ana.get(url)  # the shared page, the session and the count are now in the cache
        ana.get(url)

    for url in ("/c/mugs/", "/p/mug/"):
        with django_assert_num_queries(0):  # the customer's row is cached too (decision 0037)
            page = ana.get(url)
        assert page["X-Page-Cache"] == "filled"
        assert cart_badge(page) == "1"


def test_the_customer_and_their_cart_count_are_read_in_one_round_trip(client, mug):
    ana = customer("ana@example.com", "Ana")
    add(ana, mug.variants.get().sku, 1)
    ana.get("/p/mug/")
    ana.get("/p/mug/")  # the shared page, the session, the user and the count are cached
    reads = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    with mock.patch.object(cache, "get_many", counted):
        page = ana.get("/p/mug/")

    assert page["X-Page-Cache"] == "filled"
    assert cart_badge(page) == "1"
    assert len(reads) == 2  # the page with the catalog's version; the user with the count
    assert any(key.startswith("cart:count:u") for key in reads[1])
