from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.catalog.db import db as catalog_db
from shop.catalog.errors import InsufficientStock, InvalidPrice
from shop.catalog.models import OutboxMessage, Reservation, StockMovement, Variant
from shop.catalog.public import (
    InvalidLines,
    InvalidQuantity,
    OutOfStock,
    ReservationCommitted,
    ReservationNotFound,
    StockLine,
    VariantNotFound,
    commit_reservation,
    get_variant,
    release_reservation,
    reserve_stock,
    restock,
)
from shop.catalog.services import prices, reservations, stock
from shop.catalog.tasks import release_expired_reservations as release_expired_task
from shop.core.errors import InvalidIdempotencyKey

from .factories import make_product

pytestmark = pytest.mark.django_db

TTL = timedelta(minutes=15)


def sku_with(stock: int, **fields) -> str:
    return make_product(stock=stock, **fields).variants.get().sku


def available(sku: str) -> int:
    return get_variant(sku).available


def on_hand(sku: str) -> int:
    return Variant.objects.get(sku=sku).stock_on_hand


def expire(key: str) -> None:
    Reservation.objects.filter(key=key).update(expires_at=timezone.now() - timedelta(seconds=1))


# --- reserving ----------------------------------------------------------------------


def test_reservation_reduces_what_others_can_buy_but_not_stock_on_hand():
    sku = sku_with(5)

    reservation = reserve_stock("checkout-1", [(sku, 2)], TTL)

    assert available(sku) == 3
    assert on_hand(sku) == 5
    assert reservation.status == "active"
    assert reservation.lines == (StockLine(sku, 2),)


def test_out_of_stock_names_each_short_sku_with_what_is_available_and_reserves_nothing():
    plenty, scarce, gone = sku_with(10), sku_with(1), sku_with(0)

    with pytest.raises(OutOfStock) as raised:
        reserve_stock("checkout-1", [(plenty, 2), (scarce, 3), (gone, 1)], TTL)

    error = raised.value
    assert error.status_code == 409 and error.code == "out_of_stock"
    assert error.extra["shortages"] == sorted(
        [
            {"sku": scarce, "requested": 3, "available": 1},
            {"sku": gone, "requested": 1, "available": 0},
        ],
        key=lambda shortage: shortage["sku"],
    )
    assert f"{scarce} (requested 3, available 1)" in error.detail
    assert f"{gone} (requested 1, available 0)" in error.detail
    assert plenty not in error.detail
    assert available(plenty) == 10
    assert not Reservation.objects.exists()


def test_a_new_key_is_held_in_four_queries_without_a_savepoint_in_the_caller_s_transaction():
    sku = sku_with(5)

    with catalog_db.atomic(), CaptureQueriesContext(catalog_db.connection) as queries:
        reserve_stock("checkout-1", [(sku, 2)], TTL)

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["INSERT", "SELECT", "SELECT", "INSERT"], queries.captured_queries
    assert available(sku) == 3


def test_unknown_and_inactive_skus_are_out_of_stock_with_nothing_available():
    inactive = make_product(stock=5, is_active=False).variants.get().sku

    with pytest.raises(OutOfStock) as raised:
        reserve_stock("checkout-1", [("NO-SUCH-SKU", 1), (inactive, 1)], TTL)

    assert {(s.sku, s.available) for s in raised.value.shortages} == {
        ("NO-SUCH-SKU", 0),
        (inactive, 0),
    }


def test_duplicate_lines_for_one_sku_are_added_together():
    sku = sku_with(5)

    reservation = reserve_stock("checkout-1", [(sku, 2), StockLine(sku, 2)], TTL)

    assert reservation.lines == (StockLine(sku, 4),)
    assert available(sku) == 1
    with pytest.raises(OutOfStock):
        reserve_stock("checkout-2", [(sku, 1), (sku, 1)], TTL)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(quantity):
    sku = sku_with(5)

    with pytest.raises(InvalidQuantity) as raised:
        reserve_stock("checkout-1", [(sku, quantity)], TTL)

    assert raised.value.code == "invalid_quantity"
    assert not Reservation.objects.exists()


def test_a_reservation_without_lines_is_refused():
    with pytest.raises(InvalidLines):
        reserve_stock("checkout-1", [], TTL)


def test_reserving_twice_with_the_same_key_holds_the_stock_once():
    sku = sku_with(5)

    first = reserve_stock("checkout-1", [(sku, 2)], TTL)
    second = reserve_stock("checkout-1", [(sku, 2)], TTL)

    assert second == first
    assert available(sku) == 3


def test_reserving_again_with_other_lines_replaces_the_reservation():
    one, two = sku_with(5), sku_with(5)
    reserve_stock("checkout-1", [(one, 2)], TTL)

    replaced = reserve_stock("checkout-1", [(one, 5), (two, 1)], TTL)

    assert set(replaced.lines) == {StockLine(one, 5), StockLine(two, 1)}
    assert (available(one), available(two)) == (0, 4)


def test_a_replacement_that_is_short_leaves_the_old_reservation_in_place():
    sku = sku_with(3)
    reserve_stock("checkout-1", [(sku, 2)], TTL)

    with pytest.raises(OutOfStock) as raised:
        reserve_stock("checkout-1", [(sku, 4)], TTL)

    assert raised.value.shortages[0].available == 3  # its own hold counts as free
    assert available(sku) == 1


# --- committing -----------------------------------------------------------------------


def test_commit_lowers_stock_on_hand_once_however_often_it_is_called():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)

    committed = commit_reservation("checkout-1")
    again = commit_reservation("checkout-1")

    assert committed.status == again.status == "committed"
    assert on_hand(sku) == 3
    assert available(sku) == 3
    sale = StockMovement.objects.get(reason="sale")
    assert (sale.delta, sale.key) == (-2, "sale:checkout-1")


def test_committing_an_unknown_key_is_not_found():
    with pytest.raises(ReservationNotFound) as raised:
        commit_reservation("never-reserved")

    assert (raised.value.status_code, raised.value.code) == (404, "reservation_not_found")


def test_reserving_a_committed_key_again_returns_the_sale_and_holds_nothing_more():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    commit_reservation("checkout-1")

    again = reserve_stock("checkout-1", [(sku, 2)], TTL)

    assert again.status == "committed"
    assert (on_hand(sku), available(sku)) == (3, 3)
    with pytest.raises(ReservationCommitted):
        reserve_stock("checkout-1", [(sku, 3)], TTL)


def test_late_commit_after_expiry_sells_when_stock_is_still_free():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    expire("checkout-1")
    reservations.release_expired_reservations()

    committed = commit_reservation("checkout-1")

    assert committed.status == "committed"
    assert on_hand(sku) == 3


def test_late_commit_after_expiry_is_out_of_stock_when_someone_else_took_the_units():
    sku = sku_with(2)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    expire("checkout-1")
    reserve_stock("checkout-2", [(sku, 1)], TTL)

    with pytest.raises(OutOfStock) as raised:
        commit_reservation("checkout-1")

    assert raised.value.extra["shortages"] == [{"sku": sku, "requested": 2, "available": 1}]
    assert on_hand(sku) == 2
    assert Reservation.objects.get(key="checkout-1").status == "active"


def test_late_commit_after_release_sells_when_stock_is_still_free():
    sku = sku_with(2)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    release_reservation("checkout-1")

    commit_reservation("checkout-1")

    assert on_hand(sku) == 0


def test_commit_is_refused_rather_than_driving_stock_negative_after_a_stock_count():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 4)], TTL)
    stock.set_stock(sku, 3)

    with pytest.raises(OutOfStock):
        commit_reservation("checkout-1")

    assert on_hand(sku) == 3


def test_a_refused_commit_leaves_the_hold_active_and_the_callers_transaction_usable():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 4)], TTL)
    stock.set_stock(sku, 3)

    with transaction.atomic():  # as the order's completion catches it, with no savepoint
        with pytest.raises(OutOfStock):
            commit_reservation("checkout-1")
        reservation = Reservation.objects.get(key="checkout-1")

    assert (reservation.status, reservation.closed_at) == ("active", None)
    assert (on_hand(sku), StockMovement.objects.filter(reason="sale").count()) == (3, 0)


def test_a_commit_costs_the_same_statements_for_one_line_or_three(django_assert_max_num_queries):
    skus = [sku_with(5) for _ in range(3)]
    reserve_stock("checkout-1", [(skus[0], 1)], TTL)
    reserve_stock("checkout-3", [(sku, index + 1) for index, sku in enumerate(skus)], TTL)

    for key in ("checkout-1", "checkout-3"):
        with django_assert_max_num_queries(4):
            commit_reservation(key)

    assert [on_hand(sku) for sku in skus] == [3, 3, 2]
    assert sorted(StockMovement.objects.values_list("delta", flat=True)) == [-3, -2, -1, -1]


# --- releasing and expiring ------------------------------------------------------------


def test_release_gives_the_stock_back_and_a_second_release_changes_nothing():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)

    released = release_reservation("checkout-1")
    again = release_reservation("checkout-1")

    assert released.status == again.status == "released"
    assert available(sku) == 5


def test_releasing_an_unknown_key_is_a_no_op():
    assert release_reservation("never-reserved") is None


def test_releasing_a_sold_reservation_is_refused():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    commit_reservation("checkout-1")

    with pytest.raises(ReservationCommitted) as raised:
        release_reservation("checkout-1")

    assert (raised.value.status_code, raised.value.code) == (409, "reservation_committed")
    assert on_hand(sku) == 3


def test_expired_reservation_stops_counting_before_anything_cleans_it_up():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)

    expire("checkout-1")

    assert available(sku) == 5
    assert Reservation.objects.get(key="checkout-1").status == "active"


def test_reserving_an_expired_key_again_holds_the_stock_afresh():
    sku = sku_with(5)
    reserve_stock("checkout-1", [(sku, 2)], TTL)
    expire("checkout-1")

    renewed = reserve_stock("checkout-1", [(sku, 2)], TTL)

    assert renewed.status == "active" and renewed.expires_at > timezone.now()
    assert available(sku) == 3


def test_command_marks_expired_reservations_and_says_how_many(capsys):
    sku = sku_with(5)
    for key in ("old-1", "old-2", "current"):
        reserve_stock(key, [(sku, 1)], TTL)
    expire("old-1")
    expire("old-2")

    call_command("release_expired_reservations")

    assert "Released 2 expired reservations." in capsys.readouterr().out
    statuses = dict(Reservation.objects.values_list("key", "status"))
    assert statuses == {"old-1": "expired", "old-2": "expired", "current": "active"}
    assert available(sku) == 4


def test_periodic_task_marks_expired_reservations_and_announces_each():
    sku = sku_with(5)
    reserve_stock("old", [(sku, 1)], TTL)
    reserve_stock("current", [(sku, 1)], TTL)
    expire("old")

    assert release_expired_task.apply().get() == 1
    assert release_expired_task.apply().get() == 0

    assert Reservation.objects.get(key="old").status == "expired"
    announced = OutboxMessage.objects.filter(event_name="catalog.ReservationExpired")
    assert [message.payload["key"] for message in announced] == ["old"]


# --- returns --------------------------------------------------------------------------


def test_restock_with_the_same_key_twice_adds_the_units_once():
    sku = sku_with(5)

    first = restock("refund-7", [(sku, 2)])
    second = restock("refund-7", [(sku, 2)])

    assert first == (StockLine(sku, 2),)
    assert second == ()
    assert on_hand(sku) == 7
    assert StockMovement.objects.get(reason="restock").key == "restock:refund-7"


def test_restock_of_an_unknown_sku_adds_nothing():
    sku = sku_with(5)

    with pytest.raises(VariantNotFound):
        restock("refund-8", [(sku, 1), ("NO-SUCH-SKU", 1)])

    assert on_hand(sku) == 5


# --- staff stock and prices -------------------------------------------------------------


def test_stock_count_sets_stock_on_hand_and_records_the_difference():
    sku = sku_with(5)

    stock.set_stock(sku, 8, note="count")

    assert on_hand(sku) == 8
    movement = StockMovement.objects.get()
    assert (movement.reason, movement.delta, movement.note) == ("adjustment", 3, "count")


def test_a_retried_stock_count_does_not_undo_a_later_change():
    sku = sku_with(5)
    stock.set_stock(sku, 8, key="count-1")
    stock.adjust_stock(sku, 2, key="receipt-1")

    stock.set_stock(sku, 8, key="count-1")

    assert on_hand(sku) == 10


def test_warehouse_receipt_adds_stock_once_per_key():
    sku = sku_with(5)

    stock.adjust_stock(sku, 4, key="receipt-1")
    stock.adjust_stock(sku, 4, key="receipt-1")

    assert on_hand(sku) == 9


def test_a_stock_change_key_follows_the_idempotency_key_rule():
    sku = sku_with(5)

    stock.adjust_stock(sku, 1, key="k" * 255)
    with pytest.raises(InvalidIdempotencyKey):
        stock.adjust_stock(sku, 1, key="k" * 256)
    with pytest.raises(InvalidIdempotencyKey):
        stock.set_stock(sku, 1, key="count\x00")

    assert on_hand(sku) == 6
    assert StockMovement.objects.get().key == "adjustment:" + "k" * 255


def test_stock_cannot_be_taken_below_zero():
    sku = sku_with(2)

    with pytest.raises(InsufficientStock) as raised:
        stock.adjust_stock(sku, -3)
    with pytest.raises(InvalidQuantity):
        stock.set_stock(sku, -1)

    assert raised.value.code == "insufficient_stock"
    assert on_hand(sku) == 2


def test_stock_change_for_an_unknown_sku_is_variant_not_found():
    with pytest.raises(VariantNotFound) as raised:
        stock.set_stock("NO-SUCH-SKU", 1)

    assert (raised.value.status_code, raised.value.code) == (404, "variant_not_found")


def test_price_is_rounded_to_the_currency_and_the_compare_at_price_kept_unless_given():
    sku = sku_with(5, price="10.00")
    prices.set_price(sku, Decimal("12"), compare_at_price=Decimal("15"))

    prices.set_price(sku, Decimal("9.995"))

    variant = get_variant(sku)
    assert (variant.price, variant.compare_at_price) == (Decimal("10.00"), Decimal("15.00"))
    prices.set_price(sku, Decimal("9.00"), compare_at_price=None)
    assert get_variant(sku).compare_at_price is None


def test_current_price_reads_the_price_and_refuses_an_unknown_sku():
    sku = sku_with(5, price="8.50")

    assert prices.current_price(sku) == Decimal("8.50")
    with pytest.raises(VariantNotFound):
        prices.current_price("NO-SUCH-SKU")


@pytest.mark.parametrize("price", [Decimal("-0.01"), "abc", Decimal("1e12"), Decimal("NaN")])
def test_an_impossible_price_is_refused(price):
    sku = sku_with(5, price="10.00")

    with pytest.raises(InvalidPrice) as raised:
        prices.set_price(sku, price)

    assert raised.value.code == "invalid_price"
    assert get_variant(sku).price == Decimal("10.00")


def test_option_values_must_be_names_and_values():
    variant = make_product().variants.get()
    variant.options = ["M", "Blue"]

    with pytest.raises(ValidationError, match="names and values"):
        variant.full_clean()
