"""
What catalog tells the sales dashboard: where each SKU sold sits (product
and category, however many SKUs, in one query) and which sellable variants
run low, counting what checkouts hold.
"""

from datetime import timedelta

import pytest

from shop.catalog import public
from shop.catalog.models import Product, Variant
from shop.catalog.reporting import PATH_SEPARATOR, one_parameter

from .factories import make_category, make_product

pytestmark = pytest.mark.django_db


def path(*names: str) -> str:
    return PATH_SEPARATOR.join(names)


def test_thousands_of_skus_are_placed_in_one_query_as_a_single_parameter(
    django_assert_num_queries,
):
    shelf = make_category("Shelf")
    product = make_product("Tee", category=shelf)
    skus = [f"TEE-{n}" for n in range(3_000)]
    Variant.objects.bulk_create(Variant(product=product, sku=sku, price=10) for sku in skus)

    with django_assert_num_queries(1):
        places = public.sku_places([*skus, "NO-SUCH-SKU"])

    assert len(places) == 3_000 and "NO-SUCH-SKU" not in places
    assert places["TEE-7"] == public.SkuPlace(
        sku="TEE-7",
        product_id=product.pk,
        product_name="Tee",
        category_id=shelf.pk,
        category="Shelf",
    )
    # However many, the SKUs are one parameter: no database's limit on parameters is reached.
    _sql, params = Variant.objects.filter(sku__in=one_parameter(skus)).query.sql_with_params()
    assert len(params) == 1


def test_a_category_is_named_with_up_to_two_above_it():
    top = make_category("Clothing")
    middle = make_category("Outerwear", parent=top)
    coats = make_category("Coats", parent=middle)
    rain = make_category("Rain", parent=coats)
    for sku, category in (("A", top), ("B", coats), ("C", rain), ("D", None)):
        make_product(category=category, variants=[{"sku": sku}])

    places = public.sku_places(["A", "B", "C", "D"])

    assert places["A"].category == "Clothing"
    assert places["B"].category == path("Clothing", "Outerwear", "Coats")
    assert places["C"].category == path("…", "Outerwear", "Coats", "Rain")
    assert (places["D"].category, places["D"].category_id) == ("", None)
    assert public.sku_places([]) == {}


def test_low_stock_counts_every_sellable_variant_at_or_under_the_threshold_and_lists_the_fewest(
    settings, django_assert_num_queries
):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 2
    make_product(
        variants=[{"sku": "PLENTY", "stock_on_hand": 9}, {"sku": "TWO", "stock_on_hand": 2}]
    )
    make_product(variants=[{"sku": "NONE", "stock_on_hand": 0}])
    make_product(variants=[{"sku": "HELD", "stock_on_hand": 4}])
    make_product(variants=[{"sku": "OFF", "stock_on_hand": 0, "is_active": False}])
    hidden = make_product(variants=[{"sku": "HIDDEN", "stock_on_hand": 0}])
    Product.objects.filter(pk=hidden.pk).update(is_active=False)
    public.reserve_stock("checkout-1", [("HELD", 3)], timedelta(minutes=15))

    with django_assert_num_queries(2):
        low = public.low_stock(limit=2)

    assert (low.threshold, low.count) == (2, 3)
    assert [(v.sku, v.available, v.stock_on_hand, v.reserved) for v in low.variants] == [
        ("NONE", 0, 0, 0),
        ("HELD", 1, 4, 3),
    ]
