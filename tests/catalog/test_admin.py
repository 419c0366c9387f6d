"""What staff see and do in the catalog's admin pages."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from shop.catalog.models import (
    OutboxMessage,
    Product,
    ProductImage,
    Reservation,
    StockMovement,
    Variant,
)
from shop.catalog.services import reservations, stock
from tests.conftest import AllQueries

from .factories import make_category, make_product

pytestmark = pytest.mark.django_db

PRODUCTS = "/admin/catalog/product/"


def listed(response) -> list[str]:
    return [product.name for product in response.context["cl"].result_list]


def hold(sku: str, quantity: int, key: str = "checkout-1") -> None:
    reservations.reserve_stock(key, [(sku, quantity)], timedelta(minutes=15))


def test_searching_products_by_a_variant_sku_finds_the_product(admin_client):
    make_product("Linen Shirt", variants=[{"sku": "SHI-7-M"}, {"sku": "SHI-7-L"}])
    make_product("Wool Socks", variants=[{"sku": "SCK-1"}])

    response = admin_client.get(PRODUCTS, {"q": "SHI-7-L"})

    assert listed(response) == ["Linen Shirt"]


def test_product_list_shows_price_range_total_stock_and_what_can_be_sold(admin_client):
    make_product(
        "Linen Shirt",
        variants=[
            {"sku": "S", "price": Decimal("29.95"), "stock_on_hand": 4},
            {"sku": "M", "price": Decimal("34.50"), "stock_on_hand": 6},
        ],
    )
    make_product("Mug", price="1234.5", stock=2)
    hold("M", 5)

    page = admin_client.get(PRODUCTS).content.decode()

    assert "€29.95 \N{EN DASH} €34.50" in page
    assert "€1,234.50" in page
    shirt = admin_client.get(PRODUCTS, {"q": "Linen"}).context["cl"].result_list[0]
    assert (shirt.stock_total, shirt.available_total) == (10, 5)


def test_low_stock_filter_lists_products_with_a_variant_running_low(admin_client, settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 5
    make_product("Plenty", stock=50)
    make_product("Few left", stock=3)
    make_product("Mostly held", variants=[{"sku": "HELD", "stock_on_hand": 9}])
    make_product("Sold out", stock=0)
    make_product("One size gone", variants=[{"sku": "GONE-S", "stock_on_hand": 0}, {"sku": "L"}])
    hold("HELD", 6)

    low = admin_client.get(PRODUCTS, {"low_stock": "low"})
    out = admin_client.get(PRODUCTS, {"low_stock": "out"})

    assert sorted(listed(low)) == ["Few left", "Mostly held"]
    assert sorted(listed(out)) == ["One size gone", "Sold out"]


def test_in_stock_filter_counts_units_held_by_checkouts_as_gone(admin_client):
    make_product("On the shelf", stock=2)
    make_product("All held", variants=[{"sku": "HELD", "stock_on_hand": 2}])
    make_product("Sold out", stock=0)
    make_product("Only inactive stock", variants=[{"sku": "OFF", "is_active": False}])
    hold("HELD", 2)

    in_stock = admin_client.get(PRODUCTS, {"in_stock": "yes"})
    not_in_stock = admin_client.get(PRODUCTS, {"in_stock": "no"})

    assert listed(in_stock) == ["On the shelf"]
    assert sorted(listed(not_in_stock)) == ["All held", "Only inactive stock", "Sold out"]


def test_product_list_runs_the_same_number_of_queries_for_1_and_30_products(
    admin_client, django_assert_num_queries
):
    category = make_category("Shirts")

    def add_product():
        product = make_product(category=category, variants=[{"price": 1}, {"price": 2}])
        hold(product.variants.first().sku, 1, key=f"checkout-{product.pk}")

    add_product()
    admin_client.get(PRODUCTS)  # the signed-in user's row is cached from here on
    with AllQueries() as with_one:
        assert len(listed(admin_client.get(PRODUCTS))) == 1
    for _ in range(29):
        add_product()

    with django_assert_num_queries(len(with_one)):
        assert len(listed(admin_client.get(PRODUCTS))) == 30


def test_deactivating_products_from_the_list_announces_that_they_cannot_be_bought(admin_client):
    shirt = make_product("Shirt", variants=[{"sku": "SHIRT"}])
    mug = make_product("Mug", is_active=False)

    response = admin_client.post(
        PRODUCTS,
        {"action": "deactivate", "_selected_action": [shirt.pk, mug.pk]},
        follow=True,
    )

    assert "1 product deactivated." in response.content.decode()
    assert not Product.objects.filter(is_active=True).exists()
    message = OutboxMessage.objects.get(event_name="catalog.ProductAvailabilityChanged")
    assert message.payload["skus"] == ["SHIRT"]
    assert message.payload["is_active"] is False


def test_activating_products_from_the_list_puts_them_back_on_sale(admin_client):
    mug = make_product("Mug", is_active=False)

    admin_client.post(PRODUCTS, {"action": "activate", "_selected_action": [mug.pk]})

    mug.refresh_from_db()
    assert mug.is_active


def test_product_page_shows_its_variants_and_picture_thumbnails(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shirt = make_product("Shirt", variants=[{"sku": "SHIRT-M", "options": {"size": "M"}}])
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 80, 160)).save(picture, "JPEG")
    image = ProductImage(product=shirt, alt_text="Front")
    image.image.save("shirt.jpg", ContentFile(picture.getvalue()))

    page = admin_client.get(f"{PRODUCTS}{shirt.pk}/change/").content.decode()

    assert "SHIRT-M" in page
    assert image.list_thumbnail.url in page
    assert (tmp_path / image.list_thumbnail.name).exists()


def test_price_edit_in_the_admin_does_not_undo_a_sale_made_meanwhile(admin_client):
    make_product("Mug", variants=[{"sku": "MUG", "price": Decimal(10), "stock_on_hand": 5}])
    variant = Variant.objects.get(sku="MUG")
    url = f"/admin/catalog/variant/{variant.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    shown = {name: form[name].value() for name in form.fields}
    assert 'name="initial-stock_on_hand" value="5"' in form.as_p()
    hold("MUG", 2)
    reservations.commit_reservation("checkout-1")  # 3 left, while the form shows 5

    response = admin_client.post(
        url,
        {
            **{name: value for name, value in shown.items() if value is not None},
            "options": "{}",
            "is_active": "on",
            "price": "12.00",
            "initial-stock_on_hand": "5",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.price, variant.stock_on_hand) == (Decimal("12.00"), 3)


def test_stock_changed_in_the_variant_list_is_recorded_in_the_stock_ledger(admin_client):
    make_product("Mug", variants=[{"sku": "MUG", "price": Decimal(10), "stock_on_hand": 5}])
    variant = Variant.objects.get(sku="MUG")

    response = admin_client.post(
        "/admin/catalog/variant/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": variant.pk,
            "form-0-price": "10.00",
            "form-0-stock_on_hand": "12",
            "initial-form-0-stock_on_hand": "5",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.stock_on_hand == 12
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.delta, movement.reason) == (7, StockMovement.Reason.ADJUSTMENT)
    assert "admin@example.com" in movement.note


def test_reservations_can_be_looked_at_but_not_added_changed_or_deleted(admin_client):
    make_product("Mug", variants=[{"sku": "MUG"}])
    hold("MUG", 2, key="checkout-42")
    reservation_url = "/admin/catalog/reservation/"
    pk = Reservation.objects.get(key="checkout-42").pk

    listing = admin_client.get(reservation_url, {"status__exact": "active"})
    detail = admin_client.get(f"{reservation_url}{pk}/change/")

    assert "checkout-42" in listing.content.decode()
    assert detail.status_code == 200
    assert "MUG" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(f"{reservation_url}add/").status_code == 403
    assert admin_client.post(f"{reservation_url}{pk}/change/", {}).status_code == 403
    assert admin_client.post(f"{reservation_url}{pk}/delete/", {"post": "yes"}).status_code == 403


def test_stock_ledger_is_read_only(admin_client):
    make_product("Mug", variants=[{"sku": "MUG", "stock_on_hand": 1}])
    stock.set_stock("MUG", 4, note="count")
    movement = StockMovement.objects.get()

    assert admin_client.get("/admin/catalog/stockmovement/").status_code == 200
    assert admin_client.get("/admin/catalog/stockmovement/add/").status_code == 403
    page = admin_client.get(f"/admin/catalog/stockmovement/{movement.pk}/change/")
    assert 'name="_save"' not in page.content.decode()


def test_a_variant_with_stock_history_can_still_be_deleted_and_takes_its_history_along(
    admin_client,
):
    make_product("Mug", variants=[{"sku": "MUG", "stock_on_hand": 1}, {"sku": "MUG-2"}])
    stock.set_stock("MUG", 4, note="count")
    variant = Variant.objects.get(sku="MUG")

    response = admin_client.post(f"/admin/catalog/variant/{variant.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Variant.objects.filter(sku="MUG").exists()
    assert not StockMovement.objects.exists()


def test_product_added_with_variants_in_the_admin_records_their_opening_stock(admin_client):
    category = make_category("Mugs")
    response = admin_client.post(
        f"{PRODUCTS}add/",
        {
            "name": "Enamel Mug",
            "slug": "enamel-mug",
            "category": category.pk,
            "description": "",
            "is_active": "on",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "MUG-WHT",
            "variants-0-options": '{"colour": "White"}',
            "variants-0-price": "14.00",
            "variants-0-stock_on_hand": "8",
            "initial-variants-0-stock_on_hand": "0",
            "variants-0-weight_grams": "0",
            "variants-0-is_active": "on",
            "variants-0-position": "0",
            "variants-1-sku": "MUG-BLK",
            "variants-1-options": '{"colour": "Black"}',
            "variants-1-price": "14.00",
            "variants-1-stock_on_hand": "0",
            "initial-variants-1-stock_on_hand": "0",
            "variants-1-weight_grams": "0",
            "variants-1-is_active": "on",
            "variants-1-position": "1",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    product = Product.objects.get(slug="enamel-mug")
    assert [v.label for v in product.variants.all()] == ["White", "Black"]
    ledger = StockMovement.objects.values_list("variant__sku", "delta")
    assert list(ledger) == [("MUG-WHT", 8)]


def test_a_variant_is_given_a_tax_class_of_the_taxes_service(admin_client):
    make_product("Bread", variants=[{"sku": "BREAD", "price": Decimal(3), "stock_on_hand": 5}])
    variant = Variant.objects.get(sku="BREAD")
    assert variant.tax_class == "standard"
    url = f"/admin/catalog/variant/{variant.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    assert {"standard", "reduced", "zero"} <= {code for code, _ in form.fields["tax_class"].choices}
    shown = {name: form[name].value() for name in form.fields}
    post = {**{k: v for k, v in shown.items() if v is not None}, "options": "{}"}

    refused = admin_client.post(url, {**post, "tax_class": "luxury", "is_active": "on"})
    assert refused.status_code == 200 and "tax_class" in refused.context["adminform"].form.errors
    accepted = admin_client.post(url, {**post, "tax_class": "reduced", "is_active": "on"})
    assert accepted.status_code == 302
    variant.refresh_from_db()
    assert variant.tax_class == "reduced"
