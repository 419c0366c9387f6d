"""
``catalog.StockLow``: what a variant has for sale (on hand less active holds)
fell to the low-stock threshold or below, announced once as it crosses,
whichever way it fell: a checkout's hold, a lapsed hold sold anyway, a stock
count or write-off (the service, the staff API, the admin) or an import.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.catalog.events import StockLow
from shop.catalog.models import OutboxMessage, Variant
from shop.catalog.public import commit_reservation, reserve_stock
from shop.catalog.services import reservations, stock
from shop.core.events import from_payload
from tests.conftest import AllQueries

from .factories import make_product

pytestmark = pytest.mark.django_db

TTL = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 3
    return 3


def announced() -> list[StockLow]:
    messages = OutboxMessage.objects.filter(event_name=StockLow.name).order_by("created_at")
    return [from_payload(StockLow, message.payload) for message in messages]


def low(sku: str, available: int) -> StockLow:
    return StockLow(sku=sku, available=available, threshold=3)


def sku_with(on_hand: int, **fields) -> str:
    return make_product(stock=on_hand, **fields).variants.get().sku


# --- the stock services: counts and adjustments ---------------------------------------


def test_a_stock_count_that_takes_a_variant_to_the_threshold_announces_stock_low_once():
    sku = sku_with(10)

    stock.set_stock(sku, 3, note="Cycle count")
    stock.set_stock(sku, 2, note="Another count")
    stock.set_stock(sku, 0, note="Broken on the shelf")

    assert announced() == [low(sku, 3)]


def test_a_stock_count_that_leaves_a_variant_above_the_threshold_announces_nothing():
    sku = sku_with(10)

    stock.adjust_stock(sku, -2)
    stock.set_stock(sku, 4)

    assert announced() == []


def test_a_variant_already_at_or_below_the_threshold_announces_nothing_as_it_falls_further():
    sku = sku_with(3)

    stock.set_stock(sku, 1)
    stock.adjust_stock(sku, -1)

    assert announced() == []


def test_a_write_off_counts_the_units_checkouts_hold():
    sku = sku_with(10)
    reserve_stock("checkout-1", [(sku, 5)], TTL)  # 5 for sale: above the threshold
    assert announced() == []

    stock.adjust_stock(sku, -2, note="Damaged")  # 8 on hand, 5 held: 3 for sale

    assert announced() == [low(sku, 3)]


def test_a_count_below_what_checkouts_hold_announces_none_left_for_sale():
    sku = sku_with(10)
    reserve_stock("checkout-1", [(sku, 4)], TTL)

    stock.set_stock(sku, 2)

    assert announced() == [low(sku, 0)]


def test_a_variant_restocked_above_the_threshold_announces_again_when_it_falls_again():
    sku = sku_with(10)

    stock.set_stock(sku, 2)
    stock.adjust_stock(sku, 10, note="Delivery")
    stock.set_stock(sku, 1)

    assert announced() == [low(sku, 2), low(sku, 1)]


def test_a_variant_not_for_sale_announces_nothing_as_its_stock_falls():
    hidden = sku_with(10, is_active=False)
    inactive = make_product(variants=[{"sku": "OFF", "stock_on_hand": 10, "is_active": False}])

    stock.set_stock(hidden, 1)
    stock.set_stock(inactive.variants.get().sku, 1)

    assert announced() == []


def test_a_stock_count_reads_the_holds_only_when_it_could_cross_the_threshold():
    def queries(on_hand: int, count: int) -> int:
        sku = sku_with(on_hand)
        with AllQueries() as run:
            stock.set_stock(sku, count)
        return len(run)

    raised = queries(10, 12)
    from_below = queries(3, 1)
    from_above = queries(10, 5)
    crossing = queries(10, 2)

    assert from_below == raised
    assert from_above == raised + 1  # the holds
    assert crossing == from_above + 1  # the announcement
    assert announced() == [
        StockLow(sku=Variant.objects.get(stock_on_hand=2).sku, available=2, threshold=3)
    ]


# --- sales ---------------------------------------------------------------------------


def test_a_checkout_hold_that_takes_a_variant_to_the_threshold_announces_stock_low_once():
    sku = sku_with(5)

    reserve_stock("checkout-1", [(sku, 1)], TTL)  # 4 for sale
    reserve_stock("checkout-2", [(sku, 1)], TTL)  # 3: crossed
    commit_reservation("checkout-2")  # selling what was held leaves 3
    reserve_stock("checkout-3", [(sku, 1)], TTL)  # 2

    assert announced() == [low(sku, 3)]


def test_an_expired_hold_sold_anyway_that_takes_a_variant_to_the_threshold_announces_stock_low():
    sku = sku_with(5)
    long_ago = timezone.now() - timedelta(hours=1)
    reservations.reserve_stock(
        "checkout-1", [(sku, 2)], TTL, now=long_ago
    )  # 3 for sale until it expired

    commit_reservation("checkout-1")  # 3 on hand, none held

    # The hold crossed, its expiry took availability back to 5, the sale to 3.
    assert announced() == [low(sku, 3), low(sku, 3)]


def test_an_expired_hold_sold_anyway_that_stays_above_the_threshold_announces_nothing():
    sku = sku_with(10)
    reservations.reserve_stock(
        "checkout-1", [(sku, 2)], TTL, now=timezone.now() - timedelta(hours=1)
    )

    commit_reservation("checkout-1")

    assert announced() == []


# --- the staff API -------------------------------------------------------------------


def test_a_write_off_through_the_staff_api_announces_stock_low(staff_api):
    sku = sku_with(5)

    response = staff_api.post(f"/api/v1/catalog/variants/{sku}/stock-adjustments/", {"delta": -2})

    assert response.status_code == 200, response.content
    assert announced() == [low(sku, 3)]


def test_a_stock_count_through_the_staff_api_announces_stock_low(staff_api):
    sku = sku_with(5)

    response = staff_api.patch(f"/api/v1/catalog/variants/{sku}/", {"stock_on_hand": 1})

    assert response.status_code == 200, response.content
    assert announced() == [low(sku, 1)]


def test_a_bulk_stock_count_announces_each_variant_that_crossed_once(staff_api):
    crossing, above, below = sku_with(10), sku_with(10), sku_with(2)

    response = staff_api.post(
        "/api/v1/catalog/stock/",
        {
            "items": [
                {"sku": crossing, "on_hand": 2},
                {"sku": above, "on_hand": 4},
                {"sku": below, "on_hand": 0},
            ]
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert announced() == [low(crossing, 2)]


def test_a_refused_bulk_stock_count_announces_nothing(staff_api):
    sku = sku_with(10)

    response = staff_api.post(
        "/api/v1/catalog/stock/",
        {"items": [{"sku": sku, "on_hand": 1}, {"sku": "NO-SUCH-SKU", "on_hand": 1}]},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert Variant.objects.get(sku=sku).stock_on_hand == 10
    assert announced() == []


def test_a_bulk_stock_count_reads_the_holds_once_however_many_variants_it_lowers(staff_api):
    skus = [sku_with(10) for _ in range(4)]

    def post(on_hand: int) -> int:
        items = [{"sku": sku, "on_hand": on_hand} for sku in skus]
        with AllQueries() as run:
            response = staff_api.post("/api/v1/catalog/stock/", {"items": items}, format="json")
        assert response.status_code == 200, response.content
        return len(run)

    post(30)  # the first request of the client reads what later ones find cached
    raised = post(40)
    lowered = post(5)

    assert lowered == raised + 1
    assert announced() == []


# --- the admin -----------------------------------------------------------------------


def test_a_stock_count_in_the_admin_variant_list_announces_stock_low(admin_client):
    sku = sku_with(10)
    variant = Variant.objects.get(sku=sku)

    response = admin_client.post(
        "/admin/catalog/variant/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": variant.pk,
            "form-0-price": "10.00",
            "form-0-stock_on_hand": "3",
            "initial-form-0-stock_on_hand": "10",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert announced() == [low(sku, 3)]


def test_a_stock_count_on_the_admin_variant_page_announces_stock_low(admin_client):
    sku = sku_with(10)
    url = f"/admin/catalog/variant/{Variant.objects.get(sku=sku).pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    shown = {name: form[name].value() for name in form.fields if form[name].value() is not None}

    response = admin_client.post(
        url,
        {
            **shown,
            "options": "{}",
            "is_active": "on",
            "stock_on_hand": "1",
            "initial-stock_on_hand": "10",
        },
    )

    assert response.status_code == 302
    assert announced() == [low(sku, 1)]


# --- imports -------------------------------------------------------------------------


def import_rows(tmp_path, *rows: str) -> None:
    path = tmp_path / "catalog.csv"
    header = "sku,product_slug,product_name,price,stock_on_hand,active"
    path.write_text("\n".join([header, *rows]) + "\n")
    call_command("import_catalog", str(path), stdout=StringIO())


def test_an_import_that_lowers_stock_to_the_threshold_announces_stock_low_once(tmp_path):
    make_product(
        "Tee",
        slug="tee",
        variants=[
            {"sku": "TEE-S", "stock_on_hand": 10},
            {"sku": "TEE-M", "stock_on_hand": 10},
            {"sku": "TEE-L", "stock_on_hand": 2},
        ],
    )

    import_rows(
        tmp_path,
        "TEE-S,tee,Tee,10.00,3,yes",
        "TEE-M,tee,Tee,10.00,4,yes",
        "TEE-L,tee,Tee,10.00,1,yes",
    )

    assert announced() == [low("TEE-S", 3)]


def test_an_import_that_puts_an_inactive_variant_on_sale_with_little_stock_announces_nothing(
    tmp_path,
):
    make_product(
        "Tee", slug="tee", variants=[{"sku": "TEE", "stock_on_hand": 10, "is_active": False}]
    )

    import_rows(tmp_path, "TEE,tee,Tee,10.00,2,yes")

    assert Variant.objects.get(sku="TEE").is_active
    assert announced() == []
