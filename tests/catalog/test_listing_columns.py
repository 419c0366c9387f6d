"""
The listing columns (decision 0034): what the lists sort and filter by is
stored on the product and kept exact by every write that changes it, and by
time alone (a sale starting or ending, a hold expiring) with no job run at
that instant; the periodic refresh only makes those rows fast again.
"""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from shop.catalog import public
from shop.catalog.db import db
from shop.catalog.models import Product
from shop.catalog.services import listing, prices, stock
from shop.catalog.tasks import refresh_listing
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db
PRODUCTS = "/api/v1/catalog/products/"
D = Decimal


def in_stock_by_price(at=None) -> list[tuple[str, str]]:
    """The API's in-stock list by price, read at ``at`` (now by default), no cache."""
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        body = APIClient().get(PRODUCTS, {"in_stock": "1", "ordering": "price"}).json()
    return [(item["name"], item["price_from"]) for item in body["results"]]


def stored(product) -> Product:
    return Product.objects.get(pk=product.pk)


@pytest.fixture
def shop():
    return {
        "mug": make_product("Mug", price="10.00", stock=3),
        "tee": make_product("Tee", price="20.00", stock=3),
    }


def test_price_and_stock_changes_show_in_the_list_at_once(shop):
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]

    prices.set_price(shop["tee"].variants.get().sku, D("5.00"))
    assert in_stock_by_price() == [("Tee", "5.00"), ("Mug", "10.00")]

    stock.set_stock(shop["tee"].variants.get().sku, 0)
    assert in_stock_by_price() == [("Mug", "10.00")]

    stock.adjust_stock(shop["tee"].variants.get().sku, 2)
    assert in_stock_by_price() == [("Tee", "5.00"), ("Mug", "10.00")]


def test_a_variant_switched_off_added_or_deleted_changes_the_products_price(shop):
    mug = shop["mug"]
    cheap = mug.variants.create(sku="MUG-CHEAP", price=D("1.00"), stock_on_hand=1)
    assert stored(mug).list_price == D("1.00")

    cheap.is_active = False
    cheap.save()
    assert stored(mug).list_price == D("10.00")

    mug.variants.get(sku=mug.variants.first().sku).delete()
    assert stored(mug).list_price is None  # no active variant: not listed
    assert in_stock_by_price() == [("Tee", "20.00")]


def test_holds_taken_committed_and_released_change_the_list_at_once(shop):
    sku = shop["mug"].variants.get().sku
    public.reserve_stock("checkout-1", [(sku, 3)], timedelta(minutes=15))
    assert in_stock_by_price() == [("Tee", "20.00")]

    public.release_reservation("checkout-1")
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]

    public.reserve_stock("checkout-2", [(sku, 3)], timedelta(minutes=15))
    public.commit_reservation("checkout-2")
    assert stored(shop["mug"]).in_stock_from is None
    assert in_stock_by_price() == [("Tee", "20.00")]

    public.restock("refund-1", [(sku, 1)])
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]


def test_a_product_held_out_of_stock_is_back_the_instant_the_first_freeing_hold_expires(shop):
    sku = shop["mug"].variants.get().sku
    now = timezone.now()
    public.reserve_stock("checkout-1", [(sku, 2)], timedelta(minutes=30))
    public.reserve_stock("checkout-2", [(sku, 1)], timedelta(minutes=10))

    expiry = stored(shop["mug"]).in_stock_from
    assert now + timedelta(minutes=9) < expiry < now + timedelta(minutes=11)
    assert in_stock_by_price(expiry - timedelta(seconds=1)) == [("Tee", "20.00")]
    # Nothing ran at the expiry: no task, no refresh.
    assert in_stock_by_price(expiry) == [("Mug", "10.00"), ("Tee", "20.00")]


def test_a_sale_starting_and_ending_shows_at_that_instant_with_no_job_run(shop):
    now = timezone.now()
    starts, ends = now + timedelta(hours=1), now + timedelta(hours=2)
    sale(name="Flash", value="80", product_ids=[shop["tee"].pk], starts_at=starts, ends_at=ends)
    deliver_sales()
    assert stored(shop["tee"]).list_valid_until == starts

    assert in_stock_by_price(starts - timedelta(seconds=1)) == [("Mug", "10.00"), ("Tee", "20.00")]
    assert in_stock_by_price(starts) == [("Tee", "4.00"), ("Mug", "10.00")]
    assert in_stock_by_price(ends - timedelta(microseconds=1)) == [
        ("Tee", "4.00"),
        ("Mug", "10.00"),
    ]
    assert in_stock_by_price(ends) == [("Mug", "10.00"), ("Tee", "20.00")]

    with mock.patch("django.utils.timezone.now", return_value=starts + timedelta(minutes=1)):
        assert refresh_listing() == 1
        assert refresh_listing() == 0
    tee = stored(shop["tee"])
    assert (tee.list_price, tee.list_sale_name, tee.list_valid_until) == (D("4.00"), "Flash", ends)
    assert in_stock_by_price(starts + timedelta(minutes=2)) == [("Tee", "4.00"), ("Mug", "10.00")]
    assert in_stock_by_price(ends) == [("Mug", "10.00"), ("Tee", "20.00")]


def test_a_sale_removed_or_changed_reprices_the_list(shop):
    running = sale(name="Half", value="50", product_ids=[shop["tee"].pk])
    deliver_sales()
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "10.00")]

    running.value = D("90")
    running.save()
    deliver_sales()
    assert in_stock_by_price() == [("Tee", "2.00"), ("Mug", "10.00")]

    running.delete()
    deliver_sales()
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]


def test_a_category_moved_under_a_department_on_sale_is_repriced_in_the_list(shop):
    clothing, tees = make_category("Clothing"), make_category("Tees")
    shop["tee"].category = tees
    shop["tee"].save()
    sale(name="Clothing", value="50", category_ids=[clothing.pk])
    deliver_sales()
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]

    tees.parent = clothing
    tees.save()

    assert stored(shop["tee"]).list_sale_name == "Clothing"
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "10.00")]


def test_refresh_of_everything_stores_what_each_write_stored(shop):
    sale(name="Half", value="50", product_ids=[shop["tee"].pk])
    deliver_sales()
    public.reserve_stock("checkout-1", [(shop["mug"].variants.get().sku, 3)], timedelta(hours=1))
    fields = ["list_price", "list_sale_name", "list_valid_until", "in_stock_from"]
    before = list(Product.objects.order_by("pk").values_list(*fields))

    Product.objects.update(list_price=None, in_stock_from=None)
    listing.refresh()

    assert list(Product.objects.order_by("pk").values_list(*fields)) == before


def test_a_released_hold_rewrites_the_listing_only_of_products_it_kept_out_of_stock(shop):
    mug, tee = shop["mug"].variants.get().sku, shop["tee"].variants.get().sku
    public.reserve_stock("checkout-1", [(mug, 3), (tee, 1)], timedelta(minutes=15))
    assert in_stock_by_price() == [("Tee", "20.00")]

    with CaptureQueriesContext(connections[db.alias]) as queries:
        public.release_reservation("checkout-1")
    rewritten = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "catalog_product"')]
    assert len(rewritten) == 1
    assert rewritten[0].endswith(f'WHERE "catalog_product"."id" IN ({shop["mug"].pk})')
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]

    public.reserve_stock("checkout-2", [(tee, 1)], timedelta(minutes=15))
    with CaptureQueriesContext(connections[db.alias]) as queries:
        public.release_reservation("checkout-2")
    assert not [q for q in queries if q["sql"].startswith('UPDATE "catalog_product"')]
    assert in_stock_by_price() == [("Mug", "10.00"), ("Tee", "20.00")]
