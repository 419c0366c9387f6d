"""
Sales (issue 17, decision 0029): promotions announces a sale, catalog prices
the variants it covers, and everything that reads a price from catalog (the
cards, the product page, the API, ``VariantInfo`` for the cart and checkout)
sees the lowest price running now; the price staff set stays the regular one.
"""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.catalog import public
from shop.catalog.models import Product, Sale, VariantSalePrice
from shop.catalog.sale_prices import reduced_price
from shop.catalog.tasks import forget_sale, record_sale
from shop.promotions.sales import sale_changed
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db
D = Decimal


def price_of(sku):
    return public.get_variant(sku).price


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def shop():
    clothing = make_category("Clothing")
    coats = make_category("Coats", parent=clothing)
    rain = make_category("Rain coats", parent=coats)
    raincoat = make_product("Raincoat", price="89.00", category=rain, slug="raincoat")
    mug = make_product("Mug", price="10.00", category=make_category("Kitchen"), slug="mug")
    return {
        "clothing": clothing,
        "raincoat": raincoat.variants.get().sku,
        "raincoat_id": raincoat.pk,
        "mug": mug.variants.get().sku,
        "mug_id": mug.pk,
    }


def test_a_sale_on_a_department_lowers_the_prices_of_its_subcategories_products(shop):
    ends = timezone.now() + timedelta(days=3)
    sale(value="20", category_ids=[shop["clothing"].pk], ends_at=ends)
    deliver_sales()

    coat = public.get_variant(shop["raincoat"])
    assert (coat.price, coat.regular_price, coat.compare_at_price) == (
        D("71.20"),
        D("89.00"),
        D("89.00"),
    )
    assert (coat.sale_name, coat.sale_ends_at) == ("Winter sale", ends)
    mug = public.get_variant(shop["mug"])
    assert (mug.price, mug.regular_price, mug.sale_name, mug.compare_at_price) == (
        D("10.00"),
        D("10.00"),
        None,
        None,
    )


def test_overlapping_sales_charge_the_lowest_price(shop):
    sale("Winter sale", value="10", category_ids=[shop["clothing"].pk])
    sale("Coat week", kind="fixed", value="25", product_ids=[shop["raincoat_id"]])
    sale("Flash", value="5", product_ids=[shop["raincoat_id"]])
    deliver_sales()

    coat = public.get_variant(shop["raincoat"])
    assert (coat.price, coat.sale_name) == (D("64.00"), "Coat week")


def test_a_sale_not_yet_started_ended_or_switched_off_lowers_nothing(shop):
    now = timezone.now()
    later = sale(value="50", product_ids=[shop["mug_id"]], starts_at=now + timedelta(hours=1))
    sale(value="50", product_ids=[shop["mug_id"]], starts_at=now - timedelta(days=2), ends_at=now)
    sale(value="50", product_ids=[shop["mug_id"]], active=False)
    deliver_sales()

    assert price_of(shop["mug"]) == D("10.00")
    with mock.patch("django.utils.timezone.now", return_value=later.starts_at):
        assert price_of(shop["mug"]) == D("5.00")


@pytest.mark.parametrize(
    ("price", "kind", "value", "expected"),
    [
        ("9.99", "percent", "15", "8.49"),  # 8.4915
        ("0.05", "percent", "50", "0.03"),  # 0.025, half up
        ("10.00", "percent", "100", "0.00"),
        ("10.00", "fixed", "12.50", "0.00"),  # never below 0
        ("10.00", "fixed", "2.50", "7.50"),
    ],
)
def test_sale_prices_round_half_up_to_the_cent_and_never_go_below_zero(
    price, kind, value, expected
):
    assert reduced_price(D(price), kind, D(value)) == D(expected)


def test_a_new_price_a_new_variant_or_a_moved_product_is_priced_by_the_running_sale(shop):
    sale(value="50", category_ids=[shop["clothing"].pk])
    deliver_sales()

    variant = public.get_variant(shop["mug"])
    assert variant.price == D("10.00")
    mug = Product.objects.get(pk=shop["mug_id"])
    mug.category = shop["clothing"]
    mug.save()
    assert price_of(shop["mug"]) == D("5.00")

    coat = mug.variants.get()
    coat.price = D("30.00")
    coat.save()
    assert price_of(shop["mug"]) == D("15.00")

    new = make_product("Scarf", price="20.00", category=shop["clothing"])
    assert price_of(new.variants.get().sku) == D("10.00")


def test_a_category_moved_under_a_department_on_sale_comes_into_the_sale(shop):
    sale(value="50", category_ids=[shop["clothing"].pk])
    deliver_sales()
    kitchen = Product.objects.get(pk=shop["mug_id"]).category

    kitchen.parent = shop["clothing"]
    kitchen.save()

    assert price_of(shop["mug"]) == D("5.00")


def test_a_deleted_sale_gives_the_regular_price_back(shop):
    winter = sale(value="50", product_ids=[shop["mug_id"]])
    deliver_sales()
    assert price_of(shop["mug"]) == D("5.00")

    winter.delete()
    deliver_sales()

    assert price_of(shop["mug"]) == D("10.00")
    assert not VariantSalePrice.objects.exists()


def test_each_announcement_is_acted_on_once_and_a_late_older_one_is_ignored(shop):
    winter = sale(value="50", product_ids=[shop["mug_id"]])
    first = sale_changed(winter)
    winter.value = D("20")
    winter.save()
    deliver_sales()
    assert price_of(shop["mug"]) == D("8.00")

    # The first save's announcement arrives after the second's: it is older.
    record_sale(envelope(first, "7b0c7e8e-56a4-4b0e-9c36-2f1c0d1e2a01"))
    assert price_of(shop["mug"]) == D("8.00")

    winter.delete()
    deliver_sales()
    record_sale(envelope(first, "7b0c7e8e-56a4-4b0e-9c36-2f1c0d1e2a02"))
    assert price_of(shop["mug"]) == D("10.00")
    assert Sale.objects.get(sale_id=first.sale_id).removed


def test_the_same_announcement_delivered_twice_prices_once(shop):
    winter = sale(value="50", product_ids=[shop["mug_id"]])
    message = envelope(sale_changed(winter), "7b0c7e8e-56a4-4b0e-9c36-2f1c0d1e2a03")
    record_sale(message)
    VariantSalePrice.objects.all().delete()  # as if something else had changed them since

    record_sale(message)

    assert not VariantSalePrice.objects.exists()
    assert record_sale.name == "catalog.record_sale" and forget_sale.name == "catalog.forget_sale"


def envelope(event, event_id):
    from shop.core.events import to_payload

    return {
        "id": event_id,
        "name": event.name,
        "version": event.version,
        "occurred_at": timezone.now().isoformat(),
        "payload": to_payload(event),
    }


def test_listings_sort_and_filter_by_the_sale_price(client, shop):
    shop_all = make_category("Everything")
    cheap = make_product("Cheap", price="30.00", category=shop_all)
    dear = make_product("Dear", price="50.00", category=shop_all)
    sale(kind="fixed", value="25", product_ids=[dear.pk])
    deliver_sales()

    response = client.get("/c/everything/?ordering=price")
    assert text(response).index("Dear") < text(response).index("Cheap")
    filtered = text(client.get("/c/everything/?max_price=26"))
    assert "Dear" in filtered and "Cheap" not in filtered
    api = client.get("/api/v1/catalog/products/", {"category": "everything", "ordering": "price"})
    first = api.json()["results"][0]
    assert (first["name"], first["price_from"], first["compare_at_from"]) == (
        "Dear",
        "25.00",
        "50.00",
    )
    assert first["sale"]["name"] == "Winter sale"
    assert cheap.variants.get().price == D("30.00")


def test_the_pages_show_the_sale_price_with_the_regular_one_struck_through_and_the_sale(
    client, shop
):
    ends = timezone.make_aware(timezone.datetime(2099, 12, 31, 12))
    sale(value="20", category_ids=[shop["clothing"].pk], ends_at=ends)
    deliver_sales()

    for url in ("/c/clothing/", "/p/raincoat/"):
        page = client.get(url).content.decode()
        assert re.search(r'price__now">€71.20<', page), url
        assert re.search(r'<s class="price__was">.*€89.00</s>', page), url
        assert "Winter sale, until 31 Dec" in page, url

    detail = client.get("/api/v1/catalog/products/raincoat/").json()
    variant = detail["variants"][0]
    assert (detail["price_from"], variant["price"], variant["compare_at_price"]) == (
        "71.20",
        "71.20",
        "89.00",
    )
    assert variant["on_sale"] is True
    assert variant["sale"] == {"name": "Winter sale", "ends_at": "2099-12-31T12:00:00Z"}


def test_the_staff_export_and_api_keep_the_regular_price(tmp_path, shop, admin_client):
    sale(value="50", product_ids=[shop["mug_id"]])
    deliver_sales()

    out = tmp_path / "catalog.csv"
    call_command("export_catalog", str(out))
    row = next(line for line in out.read_text().splitlines() if shop["mug"] in line)
    assert "10.00" in row and "5.00" not in row
    staff = admin_client.get(f"/api/v1/catalog/variants/{shop['mug']}/").json()
    assert (staff["price"], staff["compare_at_price"]) == ("10.00", None)


def test_the_cart_page_shows_the_sale_price_the_regular_one_struck_through_and_the_sale(
    client, shop
):
    sale(value="50", product_ids=[shop["mug_id"]])
    deliver_sales()
    client.post("/cart/add/", {"sku": shop["mug"], "quantity": 1}, HTTP_ORIGIN="http://testserver")

    page = client.get("/cart/").content.decode()

    assert re.search(r'€5.00 <s class="price__was">.*€10.00</s>', page)
    assert "Winter sale</span>" in page


def test_a_sale_does_not_lower_a_gift_card_of_a_product_or_category_it_covers(shop):
    gifts = make_category("Gifts")
    card = make_product(
        "Gift card", price="50.00", category=gifts, variants=[{"gift_card": True}]
    ).variants.get()
    sale(value="20", category_ids=[gifts.pk], product_ids=[card.product_id])
    deliver_sales()

    info = public.get_variant(card.sku)
    assert (info.price, info.sale_name, info.gift_card) == (D("50.00"), None, True)

    card.price = D("25.00")  # repriced by staff while the sale runs
    card.save()
    assert public.get_variant(card.sku).price == D("25.00")

    card.gift_card = False  # no longer a card: the sale covers it again
    card.save()
    assert public.get_variant(card.sku).price == D("20.00")
