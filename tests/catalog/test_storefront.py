"""What a customer sees browsing the catalog: home, categories, search, product pages."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from shop.catalog import selectors
from shop.catalog.models import ProductImage, Reservation, ReservationLine
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add_image(product, alt_text=""):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (11, 110, 79)).save(buffer, "PNG")
    return ProductImage.objects.create(
        product=product, image=ContentFile(buffer.getvalue(), "photo.png"), alt_text=alt_text
    )


def card_names(response) -> list[str]:
    return re.findall(r'<h3 class="card__name">([^<]+)</h3>', response.content.decode())


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- categories and listings -------------------------------------------------------


def test_category_page_lists_products_of_its_subcategories(client):
    clothing = make_category("Clothing")
    shirts = make_category("Shirts", parent=clothing)
    make_product("Scarf", category=clothing)
    make_product("Oxford shirt", category=shirts)
    make_product("Teapot", category=make_category("Kitchen"))

    response = client.get("/c/clothing/")

    assert response.status_code == 200
    assert sorted(card_names(response)) == ["Oxford shirt", "Scarf"]
    assert 'href="/c/shirts/"' in response.content.decode()


def test_subcategory_page_has_breadcrumbs_up_to_its_parent(client):
    shirts = make_category("Shirts", parent=make_category("Clothing"))
    make_product("Oxford shirt", category=shirts)

    html = client.get("/c/shirts/").content.decode()

    breadcrumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group()
    assert 'href="/c/clothing/"' in breadcrumbs
    assert '<span aria-current="page">Shirts</span>' in breadcrumbs


def test_category_page_filters_by_price_range(client):
    category = make_category("Mugs")
    for name, price in [("Cheap mug", "5.00"), ("Fair mug", "15.00"), ("Fancy mug", "25.00")]:
        make_product(name, price=price, category=category)

    response = client.get("/c/mugs/?min_price=10&max_price=20")

    assert card_names(response) == ["Fair mug"]


def test_category_page_filters_to_products_in_stock(client):
    category = make_category("Mugs")
    make_product("Sold-out mug", stock=0, category=category)
    make_product("Mug on the shelf", stock=4, category=category)

    everything = client.get("/c/mugs/")
    in_stock = client.get("/c/mugs/?in_stock=on")

    assert card_names(everything) == ["Mug on the shelf", "Sold-out mug"]
    assert page_text(everything).count("Out of stock") == 1
    assert card_names(in_stock) == ["Mug on the shelf"]


def test_listing_sorts_by_price_both_ways(client):
    category = make_category("Mugs")
    for name, price in [("Bravo", "30.00"), ("Alpha", "20.00"), ("Charlie", "10.00")]:
        make_product(name, price=price, category=category)

    assert card_names(client.get("/c/mugs/?ordering=price")) == ["Charlie", "Alpha", "Bravo"]
    assert card_names(client.get("/c/mugs/?ordering=-price")) == ["Bravo", "Alpha", "Charlie"]
    assert card_names(client.get("/c/mugs/")) == ["Alpha", "Bravo", "Charlie"]


def test_listing_shows_24_products_a_page_with_links_that_keep_the_filters(client):
    category = make_category("Mugs")
    for number in range(30):
        make_product(f"Mug {number:02}", category=category)

    first = client.get("/c/mugs/?in_stock=on")
    next_link = re.search(
        r'<a href="(\?in_stock=on&amp;page=2&amp;after=[\w-]+)" rel="next">',
        (first.content.decode()),
    )
    second = client.get(f"/c/mugs/{html.unescape(next_link.group(1))}")

    assert card_names(first) == [f"Mug {number:02}" for number in range(24)]
    assert card_names(second) == [f"Mug {number:02}" for number in range(24, 30)]
    assert '<a href="?in_stock=on&amp;page=1" rel="prev">' in second.content.decode()
    assert "30 products, page 2 of 2" in page_text(second)
    # A page number alone (a bookmark) still finds the page.
    assert card_names(client.get("/c/mugs/?in_stock=on&page=2")) == card_names(second)


def links(response, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("ordering", ["name", "-name", "price", "-price", "newest"])
def test_following_the_page_links_walks_every_product_once_forth_and_back(client, ordering):
    category = make_category("Mugs")
    for number in range(75):
        make_product(f"Mug {number % 7}", price=f"{number % 5}.00", category=category)
    by_number = []
    for page in range(1, 5):
        by_number.append(card_names(client.get(f"/c/mugs/?ordering={ordering}&page={page}")))

    forth, response = [], client.get(f"/c/mugs/?ordering={ordering}")
    while True:
        forth.append(card_names(response))
        if not links(response, "next"):
            break
        assert "after=" in links(response, "next")
        response = client.get(f"/c/mugs/{links(response, 'next')}")
    back = [card_names(response)]
    while links(response, "prev"):
        response = client.get(f"/c/mugs/{links(response, 'prev')}")
        back.append(card_names(response))

    assert forth == by_number == back[::-1]
    assert sorted(name for page in forth for name in page) == sorted(
        f"Mug {number % 7}" for number in range(75)
    )


def test_a_page_link_with_a_key_that_does_not_fit_falls_back_to_the_page_number(client):
    category = make_category("Mugs")
    for number in range(30):
        make_product(f"Mug {number:02}", category=category)

    for key in ["not-base64!", "W1sibmFtZSJdLFsiYSJdXQ", "x" * 2000]:
        response = client.get(f"/c/mugs/?page=2&after={key}")
        assert card_names(response) == [f"Mug {number:02}" for number in range(24, 30)]


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "1.5", ""])
def test_a_page_that_does_not_exist_is_not_found(client, page):
    category = make_category("Mugs")
    for _ in range(30):
        make_product(category=category)

    assert client.get(f"/c/mugs/?page={page}").status_code == 404


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("min_price=abc", "Enter a number."),
        ("max_price=-5", "Ensure this value is greater than or equal to 0."),
        ("min_price=20&max_price=10", "The highest price must not be below the lowest."),
        ("ordering=cheapest", "Select a valid choice."),
        ("min_price=NaN", "Enter a number."),
    ],
)
def test_a_bad_filter_shows_the_form_with_its_error_not_a_server_error(client, query, error):
    make_product("Mug", category=make_category("Mugs"))

    for url in (f"/c/mugs/?{query}", f"/products/?{query}", f"/search/?q=mug&{query}"):
        response = client.get(url)

        assert response.status_code == 400, url
        assert error in page_text(response), url
        assert card_names(response) == []


def test_all_products_page_lists_every_active_product(client):
    make_product("Mug", category=make_category("Mugs"))
    make_product("Uncategorised lamp")
    make_product("Retired kettle", is_active=False)

    assert card_names(client.get("/products/")) == ["Mug", "Uncategorised lamp"]


def test_home_shows_top_level_categories_and_newest_products_in_stock(client):
    clothing = make_category("Clothing")
    make_category("Shirts", parent=clothing)
    make_product("Old mug", created_at=timezone.now() - timedelta(days=3))
    make_product("New mug")
    make_product("Sold-out mug", stock=0)

    response = client.get("/")

    assert card_names(response) == ["New mug", "Old mug"]
    tiles = re.findall(r'class="category-tile" href="([^"]+)"', response.content.decode())
    assert tiles == ["/c/clothing/"]


def test_header_links_to_top_level_categories_on_every_page(client):
    make_category("Garden", position=2)
    make_category("Clothing", position=1)

    html = client.get("/no-such-page/").content.decode()

    nav = re.search(r'<nav class="category-nav".*?</nav>', html, re.S).group()
    assert re.findall(r'href="(/c/[^"]+)"', nav) == ["/c/clothing/", "/c/garden/"]
    assert 'role="search"' in html


# --- product cards -------------------------------------------------------------------


def test_card_shows_from_price_when_variants_differ_and_a_sale_badge(client):
    make_product(
        "Shirt",
        variants=[
            {"options": {"size": "S"}, "price": "19.00", "compare_at_price": "25.00"},
            {"options": {"size": "M"}, "price": "24.00"},
        ],
    )
    make_product("Mug", price="8.50")

    text = page_text(client.get("/products/"))

    assert "Shirt from €19.00 was €25.00 incl. VAT On sale" in text
    assert "Mug €8.50" in text


def test_card_shows_a_thumbnail_or_a_placeholder(client, media):
    with_photo = make_product("Lamp")
    add_image(with_photo, alt_text="A brass lamp")
    make_product("Vase")

    html = client.get("/products/").content.decode()

    thumbnail = re.search(r'<img class="card__image" src="([^"]+)" alt="A brass lamp"', html)
    assert thumbnail and thumbnail.group(1).endswith(".jpg")
    assert (media / thumbnail.group(1).removeprefix("/media/")).exists()
    assert html.count("card__image--placeholder") == 1


def test_prices_are_shown_in_the_store_currency(client, settings):
    settings.SHOP_CURRENCY = "USD"
    make_product("Chair", price="1234.5")

    assert "$1,234.50" in page_text(client.get("/products/"))


# --- product page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stock", "shown"),
    [(20, "In stock"), (5, "Only 5 left"), (3, "Only 3 left"), (0, "Out of stock")],
)
def test_product_page_tells_how_many_are_left(client, stock, shown):
    product = make_product("Mug", stock=stock)

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert re.findall(r'<p class="stock stock--\w+">([^<]+)</p>', html) == [shown]


def test_low_stock_threshold_is_a_setting(client, settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 10
    product = make_product("Mug", stock=8)

    assert "Only 8 left" in page_text(client.get(f"/p/{product.slug}/"))


def test_units_held_by_a_checkout_are_not_offered(client):
    product = make_product("Mug", stock=5)
    reservation = Reservation.objects.create(
        key="checkout-1", expires_at=timezone.now() + timedelta(minutes=15)
    )
    ReservationLine.objects.create(
        reservation=reservation, variant=product.variants.get(), quantity=2
    )

    assert "Only 3 left" in page_text(client.get(f"/p/{product.slug}/"))


def test_variant_picker_selects_a_variant(client):
    product = make_product(
        "Shirt",
        variants=[
            {"sku": "SHIRT-S", "options": {"size": "S"}, "price": "19.00", "stock_on_hand": 0},
            {
                "sku": "SHIRT-M",
                "options": {"size": "M"},
                "price": "24.00",
                "compare_at_price": "30.00",
                "stock_on_hand": 3,
            },
            {"sku": "SHIRT-L", "options": {"size": "L"}, "price": "26.00", "stock_on_hand": 40},
        ],
    )

    default = client.get(f"/p/{product.slug}/")
    small = client.get(f"/p/{product.slug}/?variant=SHIRT-S")

    html = default.content.decode()
    form = re.search(r'<form class="variant-picker" method="post".*?</form>', html, re.S).group()
    assert re.findall(r'name="variant" value="([^"]+)"', form) == ["SHIRT-S", "SHIRT-M", "SHIRT-L"]
    assert 'value="SHIRT-M" checked' in form  # the first one in stock
    assert "€24.00 was €30.00 On sale incl. VAT Only 3 left" in page_text(default)
    assert 'value="SHIRT-S" checked' in small.content.decode()
    assert "€19.00 incl. VAT Out of stock" in page_text(small).split("Choose an option")[0]


def test_without_javascript_add_to_cart_takes_the_option_ticked_not_the_one_shown(client):
    product = make_product(
        "Shirt",
        variants=[
            {"sku": "SHIRT-M", "options": {"size": "M"}, "stock_on_hand": 3},
            {"sku": "SHIRT-L", "options": {"size": "L"}, "stock_on_hand": 3},
        ],
    )
    page = client.get(f"/p/{product.slug}/").content.decode()
    form = re.search(r'<form class="variant-picker".*?</form>', page, re.S).group()
    assert 'action="/cart/add/"' in form and 'name="quantity"' in form

    client.post("/cart/add/", {"variant": "SHIRT-L", "quantity": 2, "next": f"/p/{product.slug}/"})

    cart = page_text(client.get("/cart/"))
    assert "Shirt — L" in cart and "Shirt — M" not in cart


def test_show_this_option_without_javascript_lands_on_the_options_own_address(client):
    product = make_product("Shirt", variants=[{"sku": "SHIRT-L", "options": {"size": "L"}}])

    response = client.get(
        f"/p/{product.slug}/", {"variant": "SHIRT-L", "quantity": 1, "next": "/x/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/p/{product.slug}/?variant=SHIRT-L"


def test_unknown_variant_shows_the_default_one_with_a_note(client):
    product = make_product("Shirt", variants=[{"sku": "SHIRT-S", "options": {"size": "S"}}])

    response = client.get(f"/p/{product.slug}/?variant=NOPE")

    assert response.status_code == 200
    assert "That option is no longer available" in page_text(response)
    assert 'value="SHIRT-S" checked' in response.content.decode()


def test_simple_product_shows_no_picker(client):
    product = make_product("Mug", price="8.50")

    response = client.get(f"/p/{product.slug}/")

    assert "€8.50" in page_text(response)
    assert "variant-picker" not in response.content.decode()
    assert 'name="variant"' not in response.content.decode()


def test_product_page_shows_its_images_and_breadcrumbs(client, media):
    product = make_product("Lamp", category=make_category("Lighting"))
    add_image(product, alt_text="Lamp, front")
    add_image(product, alt_text="Lamp, side")

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert re.search(
        r'<img class="product__image" src="/media/[^"]+\.jpg" alt="Lamp, front">', html
    )
    assert html.count('alt="Lamp, side') == 1
    assert 'href="/c/lighting/"' in re.search(r'class="breadcrumbs".*?</nav>', html, re.S).group()


def test_inactive_product_is_not_found_and_never_listed(client):
    category = make_category("Mugs")
    retired = make_product("Retired mug", category=category, is_active=False)
    make_product("Current mug", category=category)

    assert client.get(f"/p/{retired.slug}/").status_code == 404
    assert card_names(client.get("/c/mugs/")) == ["Current mug"]
    assert card_names(client.get("/search/?q=mug")) == ["Current mug"]
    assert "Retired mug" not in client.get("/").content.decode()


def test_product_without_active_variants_is_not_found(client):
    product = make_product("Mug", variants=[{"is_active": False}])

    assert client.get(f"/p/{product.slug}/").status_code == 404


@pytest.mark.parametrize("url", ["/c/no-such-category/", "/p/no-such-product/"])
def test_unknown_category_or_product_is_the_site_404_page(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Back to the shop" in response.content.decode()


# --- search ----------------------------------------------------------------------------


def test_search_finds_products_by_name_and_description(client):
    make_product("Linen shirt", description="Breathable, for summer.")
    make_product("Wool jumper", description="Warm enough for winter, pairs with linen.")
    make_product("Teapot", description="Brews four cups.")

    by_name_or_description = card_names(client.get("/search/?q=linen"))
    by_description = card_names(client.get("/search/?q=cups"))

    assert sorted(by_name_or_description) == ["Linen shirt", "Wool jumper"]
    assert by_description == ["Teapot"]


def test_search_finds_a_product_by_sku(client):
    make_product("Teapot", variants=[{"sku": "TEA-POT-42"}])
    make_product("Kettle")

    assert card_names(client.get("/search/?q=TEA-POT-42")) == ["Teapot"]


def test_search_keeps_the_query_in_the_box_and_offers_best_match(client):
    make_product("Teapot")

    html = client.get("/search/?q=teapot").content.decode()

    assert 'name="q" value="teapot"' in html
    assert '<option value="" selected>Best match</option>' in html


def test_empty_search_asks_for_a_query(client):
    make_product("Teapot")

    response = client.get("/search/?q=+")

    assert response.status_code == 200
    assert "Search the shop" in page_text(response)
    assert card_names(response) == []


@pytest.mark.parametrize("amount", ["1e999999", "99999999999999999999", "1e-999999"])
def test_an_absurd_price_filter_is_a_form_error_or_no_match_never_a_server_error(client, amount):
    make_product("Mug", category=make_category("Mugs"))

    response = client.get(f"/c/mugs/?min_price={amount}")

    assert response.status_code in (200, 400)


# --- queries -----------------------------------------------------------------------------

# Cold cache. The category tree is one query (then cached); a listing counts its
# products, fetches one page of them (prices and stock annotated) and that page's
# images; a product page fetches the product, its variants and its images.
# Each cold page also asks once when the next sale starts or ends (cached per catalog version),
# and a listing whether some product's stored prices are past their moment (an index probe).
QUERIES_PER_PAGE = {
    "/": 4,  # sale boundary, tree, prices due, newest products in stock with their first images
    "/c/mugs/": 5,  # sale boundary, tree, prices due, count, page with its first images
    "/search/?q=mug": 5,  # the same
    "/products/?in_stock=on&ordering=price": 5,  # the same
    "/p/big-mug/": 5,  # sale boundary, product, variants with prices and availability, images, tree
}


@pytest.mark.parametrize("count", [1, 50])
def test_every_page_runs_the_same_number_of_queries_for_1_or_50_products(
    client, media, django_assert_num_queries, count
):
    mugs = make_category("Mugs")
    tall = make_category("Tall mugs", parent=mugs)
    for number in range(count):
        product = make_product(
            f"Mug {number}",
            category=tall if number % 2 else mugs,
            variants=[
                {"options": {"colour": "red"}, "price": "9.00", "compare_at_price": "12.00"},
                {"options": {"colour": "blue"}, "price": "11.00", "stock_on_hand": 0},
            ],
        )
        add_image(product)
    big = make_product(
        "Big mug",
        slug="big-mug",
        category=tall,
        variants=[{"options": {"n": n}} for n in range(count)],
    )
    for _ in range(count):
        add_image(big)

    for url, queries in QUERIES_PER_PAGE.items():
        cache.clear()
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/p/"):
            assert response.content.decode().count('name="variant"') == count
        else:
            assert len(card_names(response)) == min(count + 1, 8 if url == "/" else 24), url


def test_search_by_relevance_lists_a_bounded_number_of_matches_and_a_sort_lists_all(
    client, monkeypatch
):
    monkeypatch.setattr(selectors, "RANKED_MATCHES", 2)
    for name in ("Linen shirt", "Linen trousers", "Linen scarf"):
        make_product(name)

    best = card_names(client.get("/search/?q=linen"))
    by_name = card_names(client.get("/search/?q=linen&ordering=name"))

    assert len(best) == 2 and set(best) < {"Linen shirt", "Linen trousers", "Linen scarf"}
    assert by_name == ["Linen scarf", "Linen shirt", "Linen trousers"]
