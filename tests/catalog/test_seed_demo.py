"""`manage.py seed_demo`: a browsable demo store in one command, and only once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from shop.catalog import selectors
from shop.catalog.cache import catalog_version
from shop.catalog.models import Category, Product, ProductImage, Variant
from shop.catalog.services import listing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Variant.objects.order_by("sku").values_list(
            "sku", "product__name", "product__category__slug", "options", "price", "stock_on_hand"
        )
    )


def test_demo_store_has_a_category_tree_and_products_sold_in_sizes_and_colours():
    output = seed("--products", "50", "--seed", "1")

    assert "50 products" in output
    assert Product.objects.count() == 50
    assert Category.objects.filter(parent=None).count() >= 5
    assert Category.objects.exclude(parent=None).count() >= 15
    assert not Product.objects.filter(category__children__isnull=False).exists()
    variant_counts = Product.objects.annotate(n=Count("variants")).values_list("n", flat=True)
    assert min(variant_counts) == 1
    assert max(variant_counts) >= 6
    assert Variant.objects.filter(options__has_key="size").filter(options__has_key="colour")
    assert Variant.objects.filter(stock_on_hand=0).exists()
    assert Variant.objects.filter(stock_on_hand__range=(1, 5)).exists()
    assert Variant.objects.filter(compare_at_price__gt=F("price")).exists()
    assert all(len(product.description) > 40 for product in Product.objects.all())


def test_every_demo_product_has_a_picture_with_its_thumbnails_on_disk(media):
    seed("--products", "50")

    assert not Product.objects.filter(images=None).exists()
    for image in ProductImage.objects.all():
        assert (media / image.image.name).is_file()
        assert (media / image.list_thumbnail.name).is_file()
        assert (media / image.detail_image.name).is_file()


def test_demo_products_are_on_the_storefront_with_prices_and_stock():
    seed("--products", "50")

    listing = selectors.product_listing()

    assert listing.count() == Product.objects.filter(is_active=True).count()
    assert all(product.price_from > 0 for product in listing)
    assert any(product.in_stock for product in listing)


def test_demo_products_are_written_with_the_listing_columns_a_refresh_would_store():
    seed("--products", "60")
    columns = [f.name for f in Product._meta.fields if f.name.startswith(("list_", "in_stock"))]
    written = list(Product.objects.order_by("pk").values_list(*columns))

    listing.refresh()

    assert list(Product.objects.order_by("pk").values_list(*columns)) == written
    assert Product.objects.filter(list_compare_at_price__isnull=False).exists()


def test_demo_opening_stock_is_in_the_stock_ledger():
    seed("--products", "20")

    for variant in Variant.objects.exclude(stock_on_hand=0):
        assert sum(variant.movements.values_list("delta", flat=True)) == variant.stock_on_hand


def test_second_run_leaves_an_existing_catalog_alone():
    seed("--products", "20", "--seed", "5")
    before = snapshot()

    output = seed("--products", "30")

    assert "already has products" in output
    assert snapshot() == before


def test_reset_rebuilds_the_catalog_from_scratch():
    seed("--products", "20", "--seed", "5")
    before = snapshot()
    Variant.objects.filter(sku=before[0][0]).update(price=1)
    Product.objects.create(name="Staff experiment", slug="staff-experiment")

    seed("--products", "20", "--seed", "5", "--reset")

    assert snapshot() == before
    assert not Product.objects.filter(slug="staff-experiment").exists()
    assert Category.objects.count() == len(set(Category.objects.values_list("slug", flat=True)))


def test_the_same_seed_gives_the_same_catalog_and_another_seed_another():
    seed("--products", "20", "--seed", "7")
    first = snapshot()

    seed("--products", "20", "--seed", "7", "--reset")
    again = snapshot()
    seed("--products", "20", "--seed", "8", "--reset")

    assert again == first
    assert snapshot() != first


def test_seeding_makes_cached_catalog_pages_stale(django_capture_on_commit_callbacks):
    version = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        seed("--products", "5")

    assert catalog_version() > version


def test_seeding_an_empty_catalog_reuses_categories_staff_already_made():
    Category.objects.create(name="Our clothes", slug="clothing", position=9)
    Category.objects.create(name="Gifts", slug="gifts")

    seed("--products", "10")

    assert Category.objects.filter(slug="clothing").count() == 1
    assert Category.objects.filter(slug="gifts").exists()
    assert Category.objects.get(slug="t-shirts").parent.slug == "clothing"


def test_the_demo_gift_card_product_sells_cards_of_25_50_and_100_once():
    call_command("seed_demo_gift_cards", stdout=StringIO())
    output = StringIO()
    call_command("seed_demo_gift_cards", stdout=output)

    cards = Variant.objects.filter(product__slug="gift-card").order_by("price")
    assert [(v.price, v.gift_card) for v in cards] == [
        (Decimal("25.00"), True),
        (Decimal("50.00"), True),
        (Decimal("100.00"), True),
    ]
    assert all(v.stock_on_hand > 1000 for v in cards)
    assert "nothing to do" in output.getvalue()
