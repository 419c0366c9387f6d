import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Model, QuerySet

from shop.catalog import public
from shop.catalog.models import ProductImage
from shop.catalog.public import VariantInfo, VariantNotFound, get_variant, get_variants
from shop.core.events import is_plain_type

from .factories import make_product

pytestmark = pytest.mark.django_db


def tee():
    return make_product(
        "Tee",
        variants=[
            {"sku": "TEE-M-BLUE", "options": {"size": "M", "colour": "Blue"}, "price": "19.90"},
            {"sku": "TEE-L-RED", "options": {"size": "L", "colour": "Red"}, "stock_on_hand": 0},
        ],
    )


@pytest.mark.parametrize("count", [1, 50])
def test_many_variants_are_looked_up_in_one_query(count, django_assert_num_queries):
    skus = [make_product(stock=3).variants.get().sku for _ in range(count)]

    with django_assert_num_queries(1):
        found = get_variants([*skus, "NO-SUCH-SKU"])

    assert sorted(found) == sorted(skus)
    assert all(info.available == 3 for info in found.values())


def test_variant_is_named_by_its_product_and_option_values():
    tee()

    found = get_variants(["TEE-M-BLUE", "TEE-L-RED"])

    blue = found["TEE-M-BLUE"]
    assert blue.name == "Tee — M / Blue"
    assert (blue.product_name, blue.price) == ("Tee", Decimal("19.90"))
    assert blue.product_slug.startswith("tee-")
    assert blue.options == (("size", "M"), ("colour", "Blue"))
    assert found["TEE-L-RED"].available == 0


def test_simple_product_variant_carries_just_the_product_name():
    sku = make_product("Mug", price="8.50").variants.get().sku

    mug = get_variant(sku)

    assert (mug.name, mug.options, mug.compare_at_price) == ("Mug", (), None)


def test_held_stock_is_not_available():
    sku = make_product(stock=5).variants.get().sku

    public.reserve_stock("checkout-1", [(sku, 2)], timedelta(minutes=5))

    assert get_variant(sku).available == 3


def test_inactive_variant_or_product_is_reported_inactive_with_nothing_available():
    tee().variants.filter(sku="TEE-M-BLUE").update(is_active=False)
    retired = make_product(stock=4, is_active=False).variants.get().sku

    found = get_variants(["TEE-M-BLUE", "TEE-L-RED", retired])

    assert {sku: (info.is_active, info.available) for sku, info in found.items()} == {
        "TEE-M-BLUE": (False, 0),
        "TEE-L-RED": (True, 0),
        retired: (False, 0),
    }


def test_variant_shows_the_first_product_image_as_a_thumbnail():
    product = make_product(stock=1)
    ProductImage.objects.bulk_create(
        [
            ProductImage(product=product, image="products/back.jpg", position=2),
            ProductImage(product=product, image="products/front.jpg", position=1),
        ]
    )
    bare = make_product(stock=1)

    found = get_variants([product.variants.get().sku, bare.variants.get().sku])

    thumbnail = found[product.variants.get().sku].image_url
    assert "front" in thumbnail and thumbnail.endswith(".jpg")
    assert found[bare.variants.get().sku].image_url is None


def test_unknown_sku_is_variant_not_found():
    with pytest.raises(VariantNotFound) as raised:
        get_variant("NO-SUCH-SKU")

    assert (raised.value.status_code, raised.value.code) == (404, "variant_not_found")


def plain(value) -> bool:
    if isinstance(value, (Model, QuerySet)):
        return False
    if dataclasses.is_dataclass(value):
        return is_plain_type(type(value)) and all(
            plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        )
    if isinstance(value, (tuple, list)):
        return all(plain(item) for item in value)
    if isinstance(value, dict):
        return all(plain(key) and plain(item) for key, item in value.items())
    return (
        value is None or isinstance(value, (str, int, Decimal, bool)) or hasattr(value, "isoformat")
    )


def test_public_functions_hand_back_only_plain_data():
    sku = tee().variants.first().sku
    ttl = timedelta(minutes=5)

    results = [
        get_variants([sku]),
        get_variant(sku),
        public.reserve_stock("checkout-1", [(sku, 1)], ttl),
        public.commit_reservation("checkout-1"),
        public.reserve_stock("checkout-2", [(sku, 1)], ttl),
        public.release_reservation("checkout-2"),
        public.restock("refund-1", [(sku, 1)]),
    ]

    assert all(plain(result) for result in results)
    assert isinstance(results[1], VariantInfo)
