from datetime import timedelta
from decimal import Decimal

import pytest

from shop.catalog.cache import catalog_version
from shop.catalog.db import db as catalog_db
from shop.catalog.events import ProductAvailabilityChanged, VariantPriceChanged
from shop.catalog.models import OutboxMessage, Product, Variant
from shop.catalog.public import commit_reservation, reserve_stock, restock
from shop.catalog.services import prices, stock
from shop.core.events import from_payload

from .factories import make_category, make_product

pytestmark = pytest.mark.django_db


def announced(event_type) -> list:
    messages = OutboxMessage.objects.filter(event_name=event_type.name).order_by("created_at")
    return [from_payload(event_type, message.payload) for message in messages]


def two_sizes(**fields) -> Product:
    return make_product(
        "Tee",
        variants=[{"sku": "TEE-S", "options": {"size": "S"}}, {"sku": "TEE-M"}],
        **fields,
    )


def test_price_change_is_announced_with_the_old_and_new_price():
    make_product(price="10.00", variants=[{"sku": "MUG"}])

    prices.set_price("MUG", Decimal("12.5"), compare_at_price=Decimal("15"))

    message = OutboxMessage.objects.get(event_name="catalog.VariantPriceChanged")
    assert message.payload == {
        "sku": "MUG",
        "price": "12.50",
        "previous_price": "10.00",
        "compare_at_price": "15.00",
    }


def test_price_edited_by_loading_and_saving_the_variant_is_announced():
    make_product(price="10.00", variants=[{"sku": "MUG"}])
    variant = Variant.objects.get(sku="MUG")

    variant.price = Decimal("9.00")
    variant.save()
    variant.save()

    assert announced(VariantPriceChanged) == [
        VariantPriceChanged(
            sku="MUG", price=Decimal("9.00"), previous_price=Decimal("10.00"), compare_at_price=None
        )
    ]


def test_setting_the_same_price_announces_nothing():
    make_product(price="10.00", variants=[{"sku": "MUG"}])

    prices.set_price("MUG", Decimal("10"))

    assert announced(VariantPriceChanged) == []


def test_saves_that_change_neither_price_nor_availability_announce_only_the_product_update():
    product = two_sizes(category=make_category())
    product.name = "Better tee"
    product.save()
    stock.adjust_stock("TEE-S", 50)
    reserve_stock("checkout-1", [("TEE-S", 1)], timedelta(minutes=5))
    commit_reservation("checkout-1")
    restock("refund-1", [("TEE-S", 1)])

    assert list(OutboxMessage.objects.values_list("event_name", flat=True)) == [
        "catalog.ProductUpdated"
    ]


def test_deactivating_and_reactivating_a_product_announces_its_active_skus():
    product = two_sizes()
    Variant.objects.filter(sku="TEE-M").update(is_active=False)
    product = Product.objects.get(pk=product.pk)

    product.is_active = False
    product.save()
    product.is_active = True
    product.save()

    slug = product.slug
    assert announced(ProductAvailabilityChanged) == [
        ProductAvailabilityChanged(product_slug=slug, skus=("TEE-S",), is_active=False),
        ProductAvailabilityChanged(product_slug=slug, skus=("TEE-S",), is_active=True),
    ]


def test_deactivating_a_variant_announces_that_sku():
    product = two_sizes()
    variant = Variant.objects.get(sku="TEE-M")

    variant.is_active = False
    variant.save(update_fields=["is_active"])

    assert announced(ProductAvailabilityChanged) == [
        ProductAvailabilityChanged(product_slug=product.slug, skus=("TEE-M",), is_active=False)
    ]


def test_switching_a_variant_of_an_inactive_product_announces_nothing():
    two_sizes(is_active=False)
    variant = Variant.objects.get(sku="TEE-M")

    variant.is_active = False
    variant.save()

    assert announced(ProductAvailabilityChanged) == []


def test_deleting_an_active_variant_announces_it_is_no_longer_sold():
    product = two_sizes()

    Variant.objects.get(sku="TEE-S").delete()

    assert announced(ProductAvailabilityChanged) == [
        ProductAvailabilityChanged(product_slug=product.slug, skus=("TEE-S",), is_active=False)
    ]


def test_a_new_product_announces_nothing():
    two_sizes()

    assert not OutboxMessage.objects.exists()


def test_a_price_change_that_is_rolled_back_is_never_announced():
    make_product(price="10.00", variants=[{"sku": "MUG"}])

    with pytest.raises(RuntimeError), catalog_db.atomic():
        prices.set_price("MUG", Decimal("11.00"))
        raise RuntimeError("the surrounding work failed")

    assert Variant.objects.get(sku="MUG").price == Decimal("10.00")
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda: prices.set_price("MUG", Decimal("11.00")),
        lambda: stock.set_stock("MUG", 3),
        lambda: stock.adjust_stock("MUG", 1),
        lambda: reserve_stock("checkout-1", [("MUG", 1)], timedelta(minutes=5)),
        lambda: restock("refund-1", [("MUG", 1)]),
    ],
    ids=["price", "stock count", "receipt", "reservation", "restock"],
)
def test_stock_and_price_changes_invalidate_cached_catalog_pages(
    change, django_capture_on_commit_callbacks
):
    make_product(price="10.00", variants=[{"sku": "MUG"}])
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        change()

    assert catalog_version() > before
