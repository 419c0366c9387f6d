"""
The products list's answer is written out (``catalog/api/answers.py``,
decision 0041) rather than walked field by field by DRF. Every listed product
below, of every kind, is rendered both ways, through the API and on its own,
and the two are the same to the byte: keys and their order, types, the text
of decimals, datetimes and URLs. ``ProductListItemSerializer``'s fields stay
the schema.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, resolve, set_script_prefix
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from shop.catalog import selectors
from shop.catalog.api import answers
from shop.catalog.api.serializers import ProductListItemSerializer
from shop.catalog.models import Product, ProductImage
from tests.api.answers import assert_same_answer, declared_answer, recorded_answers
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale

from .test_api import PRODUCTS, reserve

pytestmark = pytest.mark.django_db

D = Decimal
# A second after Berlin moved to summer time.
SALE_ENDS = datetime(2031, 3, 30, 1, 0, 1, 123456, tzinfo=UTC)


@pytest.fixture
def answers_given(monkeypatch):
    return recorded_answers(monkeypatch, ProductListItemSerializer)


@pytest.fixture
def catalog():
    """A listed product of every kind, by what makes it one."""
    coats = make_category("Coats")
    kinds = {
        "several images": make_product("Raincoat", price="89.00", category=coats),
        "no image, no category": make_product("Plain mug", price="10.00"),
        "compare-at price": make_product(
            "Scarf", variants=[{"price": D("19.90"), "compare_at_price": D("24.90")}]
        ),
        "variants at different prices": make_product(
            "Tee",
            category=coats,
            variants=[
                {"price": D("29.90"), "options": {"size": "L"}},
                {"price": D("19.9"), "options": {"size": "S"}},
                {"price": D("24"), "options": {"size": "M"}, "stock_on_hand": 0},
            ],
        ),
        "a sale with an end": make_product("Parka", price="120.00", category=coats),
        "a sale without end": make_product(
            "Boots", variants=[{"price": D("80.00"), "compare_at_price": D("99.00")}]
        ),
        "out of stock": make_product("Sold out", stock=0),
        "in stock from a future instant": make_product("Held", stock=2),
        "a unicode name": make_product("Crème brûlée dish — 北京", slug="creme-brulee-dish"),
        "every character a slug may have": make_product("Odd slug", slug="A_z-0-9_Z"),
    }
    ProductImage.objects.bulk_create(
        ProductImage(product=kinds["several images"], image=f"products/{name}.jpg", position=at)
        for name, at in [("back", 2), ("front", 1), ("side", 3)]
    )
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/{product.slug}.jpg")
        for kind, product in kinds.items()
        if kind not in ("several images", "no image, no category")
    )
    sale("Winter sale", value="25", product_ids=[kinds["a sale with an end"].pk], ends_at=SALE_ENDS)
    sale("Boot week", kind="fixed", value="0.05", product_ids=[kinds["a sale without end"].pk])
    deliver_sales()
    reserve(kinds["in stock from a future instant"].variants.get().sku, 2)
    return kinds


def listed(catalog, **query) -> list[dict]:
    """Every product on the list's pages for ``query``, through the API (uncached)."""
    cache.clear()
    response = APIClient().get(PRODUCTS, {"page_size": 50, **query})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def assert_every_answer_the_same(answers_given) -> None:
    assert answers_given
    for written, declared in answers_given:
        assert_same_answer(written, declared)


def test_listed_products_of_every_kind_answer_as_the_declared_serializer_gives(
    catalog, answers_given
):
    every = {item["name"]: item for item in listed(catalog)}
    listed(catalog, in_stock="true", ordering="price")
    listed(catalog, ordering="-price", category="coats")

    assert len(every) == len(catalog)
    assert every["Raincoat"]["thumbnail"].endswith(".jpg")
    assert "front" in every["Raincoat"]["thumbnail"]
    assert every["Plain mug"]["thumbnail"] is None and every["Plain mug"]["category"] is None
    assert every["Scarf"]["compare_at_from"] == "24.90"
    assert every["Tee"]["price_from"] == "19.90"
    assert every["Parka"]["sale"]["ends_at"] == "2031-03-30T01:00:01.123456Z"
    assert every["Boots"]["sale"] == {"name": "Boot week", "ends_at": None}
    assert every["Boots"]["compare_at_from"] == "99.00"
    assert not every["Sold out"]["in_stock"] and not every["Held"]["in_stock"]
    assert every["Crème brûlée dish — 北京"]["url"].endswith("/products/creme-brulee-dish/")
    assert every["Odd slug"]["url"] == "http://testserver/api/v1/catalog/products/A_z-0-9_Z/"
    assert_every_answer_the_same(answers_given)


@pytest.mark.parametrize("gross", [True, False], ids=["gross", "net"])
def test_listed_products_answer_as_declared_whether_prices_are_gross_or_net(
    catalog, answers_given, settings, gross
):
    settings.TAXES_PRICES_INCLUDE_TAX = gross
    settings.SHOP_CURRENCY = "CHF"

    items = listed(catalog)

    assert {(item["prices_include_tax"], item["currency"]) for item in items} == {(gross, "CHF")}
    assert_every_answer_the_same(answers_given)


@pytest.mark.parametrize(
    ("zone", "ends_at"),
    [
        ("UTC", "2031-03-30T01:00:01.123456Z"),
        ("Europe/Berlin", "2031-03-30T03:00:01.123456+02:00"),
        ("America/New_York", "2031-03-29T21:00:01.123456-04:00"),
        ("Asia/Kolkata", "2031-03-30T06:30:01.123456+05:30"),
    ],
)
def test_a_sales_end_is_given_in_the_current_time_zone_as_declared(
    catalog, answers_given, zone, ends_at
):
    with timezone.override(zone):
        items = listed(catalog)

    assert [item["sale"]["ends_at"] for item in items if item["name"] == "Parka"] == [ends_at]
    assert_every_answer_the_same(answers_given)


@pytest.fixture
def behind_a_script_prefix():
    """Served under ``/store/``, as a WSGI server mounting the shop there sets it."""
    before = get_script_prefix()
    set_script_prefix("/store/")
    yield
    set_script_prefix(before)


def test_urls_keep_the_host_scheme_script_prefix_media_host_and_format_as_declared(
    catalog, answers_given, settings, behind_a_script_prefix
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.example"]
    settings.MEDIA_URL = "https://media.example/"
    cache.clear()

    response = APIClient().get(
        PRODUCTS, {"format": "json", "page_size": 50}, secure=True, HTTP_HOST="shop.example"
    )

    items = response.json()["results"]
    url = f"https://shop.example/store/api/v1/catalog/products/{catalog['out of stock'].slug}/"
    assert f"{url}?format=json" in [item["url"] for item in items]
    assert any((item["thumbnail"] or "").startswith("https://media.example/") for item in items)
    assert_every_answer_the_same(answers_given)


def page_both_ways(path: str = PRODUCTS) -> tuple[list, list]:
    """The list's page as the API writes it, and each product as the declared fields give it."""
    request = Request(APIRequestFactory().get(path))
    page = list(selectors.product_listing())
    written = ProductListItemSerializer(page, many=True, context={"request": request}).data
    declared = [
        declared_answer(ProductListItemSerializer(product, context={"request": request}))
        for product in page
    ]
    return written, declared


def test_a_url_holding_the_slugs_stand_in_twice_still_answers_as_declared(catalog):
    written, declared = page_both_ways(f"{PRODUCTS}?format={answers.STAND_IN}")

    assert written[0]["url"].endswith(f"/?format={answers.STAND_IN}")
    assert_same_answer(written, declared)


def test_a_slug_no_url_can_carry_is_refused_as_the_declared_field_refuses_it(catalog):
    """Slugs are validated on the way in (admin, CSV); one written past that is a 500 both ways."""
    Product.objects.filter(pk=catalog["a unicode name"].pk).update(slug="crème-brûlée")
    request = Request(APIRequestFactory().get(PRODUCTS))
    product = selectors.product_listing().get(slug="crème-brûlée")
    serializer = ProductListItemSerializer(product, context={"request": request})

    with pytest.raises(ImproperlyConfigured):
        declared_answer(serializer)
    with pytest.raises(ImproperlyConfigured):
        serializer.to_representation(product)


def test_product_urls_are_written_only_for_the_slugs_the_route_takes():
    """The slug is put in as it is: the route's ``slug`` converter takes nothing quoting changes."""
    match = resolve("/api/v1/catalog/products/A_z-0-9_Z/")

    assert match.view_name == answers.PRODUCT_VIEW
    assert match.route.endswith("products/<slug:slug>/")


def test_a_page_of_products_is_answered_without_a_field_tree_or_a_url_reversed_for_each(
    catalog, monkeypatch
):
    reversed_urls = []
    reverse = answers.reverse

    def counted(*args, **kwargs):
        reversed_urls.append(kwargs["kwargs"]["slug"])
        return reverse(*args, **kwargs)

    monkeypatch.setattr(answers, "reverse", counted)
    request = Request(APIRequestFactory().get(PRODUCTS))
    serializer = ProductListItemSerializer(
        list(selectors.product_listing()), many=True, context={"request": request}
    )

    assert len(serializer.data) == len(catalog)
    assert reversed_urls == [answers.STAND_IN]
    assert "fields" not in vars(serializer.child)
