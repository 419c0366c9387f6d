"""
A listing's count ("page 3 of 40", the API's ``count``) comes from the
categories' ``ListedCount`` rows, kept by triggers on the products table, less
the listed products not in stock for an in-stock list (decision 0044). Every
way a product enters or leaves a listing must keep it equal to the listing's
own count, bulk writes included.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from shop.catalog import public, selectors
from shop.catalog.db import db
from shop.catalog.models import Category, ListedCount, Product, Variant
from shop.catalog.services import listing, stock
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db
PRODUCTS = "/api/v1/catalog/products/"


@pytest.fixture
def shop():
    clothing = make_category("Clothing")
    tees = make_category("Tees", parent=clothing)
    mugs = make_category("Mugs")
    return {
        "clothing": clothing,
        "tees": tees,
        "mugs": mugs,
        "tee": make_product("Tee", category=tees, stock=3),
        "shirt": make_product("Shirt", category=clothing, stock=3),
        "mug": make_product("Mug", category=mugs, stock=3),
        "loose": make_product("Loose", stock=3),
    }


def filter_sets(shop, now=None) -> list[selectors.ProductFilters]:
    categories = [
        None,
        (shop["clothing"].pk, shop["tees"].pk),
        (shop["tees"].pk,),
        (shop["mugs"].pk,),
        (),
    ]
    return [
        selectors.ProductFilters(category_ids=ids, in_stock=in_stock)
        for ids in categories
        for in_stock in (False, True)
    ]


def assert_counts_match(shop, now=None):
    """Every category and stock filter counts what its listing lists, at ``now``."""
    now = now or timezone.now()
    for filters in filter_sets(shop):
        listed = selectors.product_listing(filters, now=now).count()
        assert selectors.listing_count(filters, now=now) == listed, filters


def test_each_list_counts_what_it_lists(shop):
    assert_counts_match(shop)
    every = selectors.ProductFilters()
    assert selectors.listing_count(every) == 4
    clothing = selectors.ProductFilters(category_ids=(shop["clothing"].pk, shop["tees"].pk))
    assert selectors.listing_count(clothing) == 2


def test_products_added_switched_off_moved_and_deleted_keep_the_counts(shop):
    make_product("Cap", category=shop["clothing"])
    assert_counts_match(shop)

    shop["tee"].is_active = False
    shop["tee"].save()
    assert_counts_match(shop)
    shop["tee"].is_active = True
    shop["tee"].save()

    shop["mug"].category = shop["tees"]
    shop["mug"].save()
    assert_counts_match(shop)

    shop["shirt"].category = None
    shop["shirt"].save()
    assert_counts_match(shop)

    shop["loose"].delete()
    assert_counts_match(shop)
    assert selectors.listing_count(selectors.ProductFilters()) == 4


def test_a_product_whose_last_variant_goes_leaves_the_counts_and_comes_back_with_one(shop):
    variant = shop["mug"].variants.get()
    variant.is_active = False
    variant.save()
    assert Product.objects.get(pk=shop["mug"].pk).list_price is None
    assert_counts_match(shop)

    variant.is_active = True
    variant.save()
    assert_counts_match(shop)

    Variant.objects.filter(product=shop["tee"]).delete()
    assert_counts_match(shop)
    assert selectors.listing_count(selectors.ProductFilters()) == 3


def test_a_deleted_category_moves_its_products_count_to_no_category(shop):
    Category.objects.filter(pk=shop["mugs"].pk).delete()
    assert Product.objects.get(pk=shop["mug"].pk).category_id is None
    assert_counts_match(shop)
    assert ListedCount.objects.get(category=0).products == 2


def test_bulk_updates_and_a_full_refresh_keep_the_counts(shop):
    Product.objects.filter(category=shop["tees"]).update(is_active=False)
    assert_counts_match(shop)

    Product.objects.update(list_price=None, in_stock_from=None)
    assert selectors.listing_count(selectors.ProductFilters()) == 0
    listing.refresh()
    assert_counts_match(shop)
    assert selectors.listing_count(selectors.ProductFilters()) == 3

    Product.objects.update(category=shop["mugs"])
    assert_counts_match(shop)


def test_sold_out_held_and_restocked_products_leave_and_rejoin_the_in_stock_count(shop):
    stock.set_stock(shop["tee"].variants.get().sku, 0)
    assert_counts_match(shop)
    in_stock = selectors.ProductFilters(in_stock=True)
    assert selectors.listing_count(in_stock) == 3

    public.reserve_stock("checkout-1", [(shop["mug"].variants.get().sku, 3)], timedelta(minutes=10))
    expiry = Product.objects.get(pk=shop["mug"].pk).in_stock_from
    assert selectors.listing_count(in_stock, now=expiry - timedelta(seconds=1)) == 2
    assert_counts_match(shop, now=expiry - timedelta(seconds=1))
    # Back the instant the hold expires, with nothing run at that instant.
    assert selectors.listing_count(in_stock, now=expiry) == 3
    assert_counts_match(shop, now=expiry)

    stock.adjust_stock(shop["tee"].variants.get().sku, 1)
    assert selectors.listing_count(in_stock, now=expiry) == 4


def test_a_search_or_a_price_range_is_counted_by_its_listing(shop):
    assert selectors.listing_count(selectors.ProductFilters(q="tee")) is None
    assert selectors.listing_count(selectors.ProductFilters(min_price=1)) is None
    cache.clear()
    body = APIClient().get(PRODUCTS, {"q": "tee"}).json()
    assert body["count"] == len(body["results"]) == 1


def test_the_api_and_the_category_page_show_the_kept_count(shop):
    cache.clear()
    body = APIClient().get(PRODUCTS, {"in_stock": "1", "category": "clothing"}).json()
    assert body["count"] == 2
    stock.set_stock(shop["shirt"].variants.get().sku, 0)
    cache.clear()
    body = APIClient().get(PRODUCTS, {"in_stock": "1", "category": "clothing"}).json()
    assert (body["count"], [item["name"] for item in body["results"]]) == (1, ["Tee"])


def test_the_in_stock_count_is_one_query_that_reads_no_listed_row(shop):
    filters = selectors.ProductFilters(category_ids=(shop["mugs"].pk,), in_stock=True)
    with CaptureQueriesContext(connections[db.alias]) as queries:
        assert selectors.listing_count(filters) == 1
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "catalog_listedcount" in sql
    # Only the products not in stock are read: no bare "in stock" range.
    assert '"in_stock_from" <=' not in sql
