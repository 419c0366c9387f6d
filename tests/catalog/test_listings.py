"""
A listing's first page is read from SQL compiled once per filter shape
(``listings.Listing``, ``prepared.first_listing_rows``, decision 0044). It
must show exactly what the listing's QuerySet shows: the same products in the
same order with the same prices, stock, category and thumbnail, whatever the
ordering, stock filter and categories, and when some stored prices are past
their moment.
"""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from shop.catalog import paging, prepared, selectors
from shop.catalog.listings import Listing
from shop.catalog.models import Product, ProductImage
from shop.catalog.services import stock
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db

SHOWN = (
    "pk",
    "name",
    "price_from",
    "price_to",
    "regular_from",
    "compare_at_from",
    "sale_name_from",
    "sale_ends_from",
    "in_stock",
    "thumbnail_name",
    "thumbnail_alt",
)


@pytest.fixture
def shop():
    clothing = make_category("Clothing")
    tees = make_category("Tees", parent=clothing)
    mugs = make_category("Mugs")
    tee = make_product("Tee", price="20.00", category=tees)
    # bulk_create: no thumbnails made from files that are not there.
    ProductImage.objects.bulk_create(
        [
            ProductImage(product=tee, image="products/tee-2.jpg", position=2),
            ProductImage(product=tee, image="products/tee-1.jpg", position=1, alt_text="A"),
        ]
    )
    sold_out = make_product("Shirt", price="30.00", category=clothing, stock=0)
    make_product("Mug", price="5.00", category=mugs, variants=[{"price": "5.00"}, {"price": "9"}])
    make_product("Loose", price="7.00")
    stock.set_stock(sold_out.variants.get().sku, 0)
    return {"clothing": clothing, "tees": tees, "mugs": mugs, "tee": tee}


def shown(rows) -> list[tuple]:
    """What a card shows of each row, by ``repr``: Decimal("5") is not Decimal("5.00") here."""
    return [
        (*(repr(getattr(row, name)) for name in SHOWN), row.category and row.category.slug)
        for row in rows
    ]


def every_filter_shape(shop):
    categories = (None, (shop["clothing"].pk, shop["tees"].pk), (shop["mugs"].pk,), ())
    for ordering in [*selectors.ORDERINGS, ""]:
        for in_stock in (False, True):
            for ids in categories:
                yield selectors.ProductFilters(ids, in_stock=in_stock, ordering=ordering)


def test_the_compiled_first_page_shows_what_the_listing_shows(shop):
    now = timezone.now()
    for filters in every_filter_shape(shop):
        for size in (1, 3, 24):
            listing = Listing(filters, now)
            expected = list(selectors.product_listing(filters, now)[:size])
            assert shown(listing.rows(0, size)) == shown(expected), (filters, size)


def test_the_compiled_first_page_shows_a_sale_that_started_with_nothing_stored(shop):
    now = timezone.now()
    starts = now + timedelta(hours=1)
    sale(name="Flash", value="50", product_ids=[shop["tee"].pk], starts_at=starts)
    deliver_sales()
    later = starts + timedelta(minutes=1)
    # Nothing refreshed the stored prices: the listing computes them for that row.
    assert Product.objects.filter(list_valid_until__lte=later).exists()
    for filters in every_filter_shape(shop):
        expected = shown(selectors.product_listing(filters, later)[:24])
        assert shown(Listing(filters, later).rows(0, 24)) == expected, filters
    by_price = Listing(selectors.ProductFilters(ordering="price"), later).rows(0, 24)
    assert [(row.name, row.price_from) for row in by_price][:3] == [
        ("Mug", Decimal("5.00")),
        ("Loose", Decimal("7.00")),
        ("Tee", Decimal("10.00")),
    ]


def test_pages_past_the_first_searches_and_price_ranges_are_read_by_the_listing(shop):
    now = timezone.now()
    with mock.patch.object(prepared, "first_listing_rows") as compiled:
        for filters in (
            selectors.ProductFilters(q="tee"),
            selectors.ProductFilters(min_price=1),
            selectors.ProductFilters(max_price=100),
        ):
            assert shown(Listing(filters, now).rows(0, 24)) == shown(
                selectors.product_listing(filters, now)[:24]
            )
        listing = Listing(selectors.ProductFilters(), now)
        assert shown(listing.rows(1, 3)) == shown(selectors.product_listing(now=now)[1:3])
        assert shown(listing.rows(0, 101)) == shown(selectors.product_listing(now=now)[:101])
    compiled.assert_not_called()


@pytest.mark.parametrize("q", ["", "tee"])
def test_a_listing_pages_by_the_keys_its_queryset_orders_by(shop, q):
    for ordering in [*selectors.ORDERINGS, ""]:
        listing = Listing(selectors.ProductFilters(q=q, ordering=ordering), timezone.now())
        assert listing.fields == paging.keyset_fields(listing.queryset), ordering
