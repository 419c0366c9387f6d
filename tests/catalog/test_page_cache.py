"""
Cached storefront pages: a repeat visit is served from the cache, and any change
to a product, price or stock shows on the very next request.

Changes run inside ``django_capture_on_commit_callbacks(execute=True)``: the
cache is invalidated when the change commits, as it would outside a test.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.http import HttpResponse

from shop.accounts.models import User
from shop.catalog import public
from shop.catalog.cache import page_cache
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the block as a committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_second_request_for_the_same_listing_is_served_from_the_cache(
    client, django_assert_num_queries
):
    category = make_category("Mugs")
    for number in range(3):
        make_product(f"Mug {number}", category=category)

    # The sale boundary, the tree, prices due, the count, the page with its first images.
    with django_assert_num_queries(5):
        first = client.get("/c/mugs/?in_stock=on&ordering=price")
    with django_assert_num_queries(0):
        second = client.get("/c/mugs/?in_stock=on&ordering=price")

    assert second.content == first.content


@pytest.mark.parametrize("url", ["/", "/search/?q=mug", "/products/", "/p/the-mug/"])
def test_other_pages_are_served_from_the_cache_too(client, django_assert_num_queries, url):
    make_product("Mug", slug="the-mug", category=make_category("Mugs"))
    client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_unknown_query_parameters_share_the_cached_listing_and_stay_out_of_links(
    client, django_assert_num_queries
):
    category = make_category("Mugs")
    for number in range(30):
        make_product(f"Mug {number}", category=category)
    client.get("/c/mugs/?in_stock=on")

    with django_assert_num_queries(0):
        tracked = client.get("/c/mugs/?in_stock=on&utm_source=newsletter")

    assert 'href="?in_stock=on&amp;page=2&amp;after=' in tracked.content.decode()
    assert "utm_source" not in tracked.content.decode().split("</header>")[1]


def test_price_change_is_visible_on_the_next_request(client, committed):
    product = make_product("Mug", price="10.00", category=make_category("Mugs"))
    assert "€10.00" in text(client.get("/c/mugs/"))
    assert "€10.00" in text(client.get(f"/p/{product.slug}/"))

    variant = product.variants.get()
    variant.price = "12.50"
    with committed():
        variant.save()

    assert "€12.50" in text(client.get("/c/mugs/"))
    assert "€12.50" in text(client.get(f"/p/{product.slug}/"))
    assert "€10.00" not in text(client.get(f"/p/{product.slug}/"))


def test_stock_change_is_visible_on_the_next_request(client, committed):
    product = make_product("Mug", stock=20, category=make_category("Mugs"))
    assert "In stock" in text(client.get(f"/p/{product.slug}/"))
    assert "Out of stock" not in text(client.get("/c/mugs/"))

    variant = product.variants.get()
    variant.stock_on_hand = 3
    with committed():
        variant.save()
    assert "Only 3 left" in text(client.get(f"/p/{product.slug}/"))

    with committed():
        public.reserve_stock("checkout-1", [(variant.sku, 3)], timedelta(minutes=15))
    assert "Out of stock" in text(client.get(f"/p/{product.slug}/"))
    assert "Out of stock" in text(client.get("/c/mugs/"))
    assert "Mug" not in text(client.get("/c/mugs/?in_stock=on")).split("Filter and sort")[1]


def test_deactivated_product_disappears_from_its_category_page_on_the_next_request(
    client, committed
):
    category = make_category("Mugs")
    product = make_product("Retiring mug", category=category)
    make_product("Staying mug", category=category)
    assert "Retiring mug" in text(client.get("/c/mugs/"))
    assert client.get(f"/p/{product.slug}/").status_code == 200

    product.is_active = False
    with committed():
        product.save()

    assert "Retiring mug" not in text(client.get("/c/mugs/"))
    assert "Staying mug" in text(client.get("/c/mugs/"))
    assert client.get(f"/p/{product.slug}/").status_code == 404


def test_new_category_shows_in_the_navigation_on_the_next_request(client, committed):
    make_category("Mugs")
    assert "Teapots" not in text(client.get("/"))

    with committed():
        make_category("Teapots")

    assert 'href="/c/teapots/"' in client.get("/").content.decode()


def test_the_header_is_never_cached_across_visitors(client):
    make_product("Mug", category=make_category("Mugs"))
    staff = User.objects.create_user(email="staff@example.com", password="x", is_staff=True)

    assert "Admin" not in text(client.get("/c/mugs/"))
    client.force_login(staff)
    assert "Admin" in text(client.get("/c/mugs/"))
    client.logout()
    assert "Admin" not in text(client.get("/c/mugs/"))


def test_a_visitor_without_cookies_gets_the_whole_page_from_the_cache(
    client, django_assert_num_queries
):
    make_product("Mug", category=make_category("Mugs"))
    assert client.get("/c/mugs/")["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        again = client.get("/c/mugs/")

    assert again["X-Page-Cache"] == "hit"
    assert "Cookie" in again["Vary"]


def test_a_signed_in_visitor_gets_the_shared_page_with_their_own_header_kept_private(client):
    make_product("Mug", category=make_category("Mugs"))
    client.get("/c/mugs/")
    staff = User.objects.create_user(email="staff@example.com", password="x", is_staff=True)
    client.force_login(staff)

    page = client.get("/c/mugs/")

    assert page["X-Page-Cache"] == "filled"
    assert "private" in page["Cache-Control"]
    assert "Admin" in text(page)
    assert "Sign in" not in text(page)


def test_a_page_that_gives_the_visitor_a_cookie_is_not_shared(rf):
    def view(request):
        request.session = SimpleNamespace(modified=True)  # the session cookie will be set
        return HttpResponse("your cart: 2 items")

    cached_view = page_cache(view)
    cached_view(rf.get("/anything/"))

    assert "X-Page-Cache" not in cached_view(rf.get("/anything/"))


def test_an_api_client_with_credentials_is_never_served_the_shared_response(
    client, django_assert_num_queries
):
    make_product("Mug", category=make_category("Mugs"))
    client.get("/api/v1/catalog/products/")
    with django_assert_num_queries(0):
        assert client.get("/api/v1/catalog/products/")["X-Page-Cache"] == "hit"

    authorised = client.get("/api/v1/catalog/products/", headers={"Authorization": "Bearer x"})

    assert "X-Page-Cache" not in authorised


def test_a_price_change_reaches_the_shared_api_response_on_the_next_request(client, committed):
    product = make_product("Mug", price="10.00", slug="mug", category=make_category("Mugs"))
    assert client.get("/api/v1/catalog/products/mug/").json()["variants"][0]["price"] == "10.00"

    with committed():
        variant = product.variants.get()
        variant.price = "12.50"
        variant.save()

    assert client.get("/api/v1/catalog/products/mug/").json()["variants"][0]["price"] == "12.50"


def test_made_up_query_parameters_cannot_fill_the_shared_cache(client):
    make_product("Mug", category=make_category("Mugs"))

    client.get("/c/mugs/?ordering=price&page=1")
    same_in_another_order = client.get("/c/mugs/?page=1&ordering=price")
    made_up = client.get("/c/mugs/?utm_source=x1")
    repeated = client.get("/c/mugs/?page=1&page=1")

    assert same_in_another_order["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in made_up
    assert "X-Page-Cache" not in repeated
    assert made_up.status_code == repeated.status_code == 200


def test_a_shared_response_is_never_served_under_another_host_name(client, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com", "www.shop.example.com"]
    make_product("Mug", category=make_category("Mugs"))
    client.get("/api/v1/catalog/products/?page_size=1", HTTP_HOST="shop.example.com")

    other = client.get("/api/v1/catalog/products/?page_size=1", HTTP_HOST="www.shop.example.com")

    assert other["X-Page-Cache"] == "miss"
    assert "http://www.shop.example.com/" in other.json()["results"][0]["url"]


def test_made_up_variants_and_accept_headers_do_not_make_new_entries(client):
    make_product("Mug", slug="mug", category=make_category("Mugs"))
    client.get("/p/mug/", HTTP_ACCEPT="text/html,application/xhtml+xml")

    odd_accept = client.get("/p/mug/", HTTP_ACCEPT="text/html;q=0.9,x/made-up")
    made_up_sku = client.get("/p/mug/?variant=NO-SUCH-SKU")

    assert odd_accept["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in made_up_sku
