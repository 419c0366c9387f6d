"""Read helpers of the catalog that the API, the admin and ``public`` share."""

from datetime import timedelta
from decimal import Decimal

import pytest

from shop.catalog import selectors
from shop.catalog.errors import VariantNotFound
from shop.catalog.public import VariantInfo
from shop.catalog.services import reservations

from .factories import make_product

pytestmark = pytest.mark.django_db


def test_a_variant_with_availability_counts_what_checkouts_hold():
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 10}])
    reservations.reserve_stock("checkout-1", [("TEE", 4)], timedelta(minutes=15))

    variant = selectors.variant_with_availability("TEE")

    assert (variant.stock_on_hand, variant.reserved, variant.available) == (10, 4, 6)


def test_an_unknown_sku_is_variant_not_found():
    with pytest.raises(VariantNotFound) as raised:
        selectors.variant_with_availability("NOPE")

    assert raised.value.extra == {"sku": "NOPE"}


def test_variants_come_back_in_the_order_asked_for():
    make_product(variants=[{"sku": "A"}, {"sku": "B"}, {"sku": "C"}])

    assert [v.sku for v in selectors.variants_in_order(["C", "A", "B"])] == ["C", "A", "B"]


def test_variant_infos_are_plain_data_in_one_query(django_assert_num_queries):
    make_product("Mug", variants=[{"sku": "MUG", "price": Decimal("8.50"), "stock_on_hand": 2}])

    with django_assert_num_queries(1):
        found = selectors.variant_infos(["MUG", "NOPE"])

    assert list(found) == ["MUG"]
    assert isinstance(found["MUG"], VariantInfo)
    assert (found["MUG"].price, found["MUG"].available) == (Decimal("8.50"), 2)


def test_variant_infos_compiled_once_answer_as_the_orm_does(django_assert_num_queries):
    from django.utils import timezone

    from shop.catalog import prepared
    from shop.catalog.models import Variant, VariantSalePrice

    make_product("Mug", variants=[{"sku": "MUG", "price": Decimal("8.50"), "stock_on_hand": 5}])
    make_product(
        "Shirt",
        variants=[
            {"sku": "S-RED", "options": {"size": "S", "colour": "Red"}, "stock_on_hand": 3},
            {"sku": "M-RED", "options": {"size": "M", "colour": "Red"}, "is_active": False},
        ],
    )
    now = timezone.now()
    shirt = Variant.objects.get(sku="S-RED")
    VariantSalePrice.objects.create(
        variant=shirt,
        sale_id=1,
        sale_name="Winter",
        price=shirt.price - 1,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    reservations.reserve_stock("checkout-1", [("S-RED", 2)], timedelta(minutes=15))

    for skus in (["MUG"], ["S-RED", "MUG", "NOPE", "M-RED"], ["MUG", "MUG"], []):
        orm = {
            variant.sku: selectors.variant_info(variant)
            for variant in selectors.variants_with_first_image(skus)
        }
        with django_assert_num_queries(1 if skus else 0):
            assert selectors.variant_infos(skus) == orm
        assert list(selectors.variant_infos(skus)) == sorted(set(skus) - {"NOPE"})
    assert selectors.variant_infos(["S-RED"])["S-RED"].available == 1
    assert selectors.variant_infos(["S-RED"])["S-RED"].sale_name == "Winter"
    later = now + timedelta(days=2)  # the sale and the hold are over
    assert prepared.variant_info_rows(["S-RED"], later)[0]["sale_name"] is None
    assert prepared.variant_info_rows(["S-RED"], later)[0]["available"] == 3


def test_what_a_hold_can_sell_compiled_once_answers_as_the_orm_does():
    from django.utils import timezone

    from shop.catalog import prepared
    from shop.catalog.models import Product, Variant

    make_product("Mug", variants=[{"sku": "MUG", "stock_on_hand": 5}])
    make_product(
        "Shirt",
        variants=[
            {"sku": "S-RED", "options": {"size": "S"}, "stock_on_hand": 3},
            {"sku": "M-RED", "options": {"size": "M"}, "stock_on_hand": 4, "is_active": False},
        ],
    )
    make_product("Cap", variants=[{"sku": "CAP", "stock_on_hand": 2}])
    Product.objects.filter(name="Cap").update(is_active=False)
    reservations.reserve_stock("checkout-1", [("S-RED", 2)], timedelta(minutes=15))
    ids = {variant.sku: variant.pk for variant in Variant.objects.all()}
    fields = ("sku", "available", "is_active", "product__is_active")

    for moment in (timezone.now(), timezone.now() + timedelta(hours=1)):
        for skus in (["MUG"], ["S-RED", "M-RED", "CAP", "MUG"], ["S-RED", "S-RED"]):
            wanted = [ids[sku] for sku in skus]
            orm = selectors.with_availability(Variant.objects.filter(pk__in=wanted), moment)
            assert sorted(prepared.sellable_rows(wanted, moment), key=str) == sorted(
                orm.values(*fields), key=str
            )

    now = {row["sku"]: row for row in prepared.sellable_rows(ids.values(), timezone.now())}
    assert now["S-RED"]["available"] == 1  # two of three held
    assert now["M-RED"]["is_active"] is False
    assert now["CAP"]["product__is_active"] is False
    assert prepared.sellable_rows([], timezone.now()) == []
