"""A paid checkout becomes exactly one order, a snapshot of what was bought."""

from decimal import Decimal

import pytest

from shop.core.events import from_payload
from shop.orders.db import db as orders_db
from shop.orders.events import OrderedLine, OrderPlaced
from shop.orders.models import Order, OrderStatusChange, OutboxMessage
from shop.orders.services import placing

from .factories import LONDON, make_checkout

pytestmark = pytest.mark.django_db


def placed_events() -> list[OrderPlaced]:
    return [
        from_payload(OrderPlaced, message.payload)
        for message in OutboxMessage.objects.filter(event_name=OrderPlaced.name)
    ]


def place(checkout) -> Order:
    with orders_db.atomic():
        return placing.place_order(checkout)


def test_an_order_copies_the_checkouts_lines_address_and_totals(ada):
    checkout = make_checkout(
        user_id=ada.pk, lines=[("TEE-M", 2, "19.90"), ("MUG", 1, "8.50")], shipping_cost="0.00"
    )

    order = place(checkout)

    assert order.status == Order.Status.PAID
    assert (order.user_id, order.email) == (ada.pk, "ada@example.com")
    assert (order.subtotal, order.shipping_cost, order.total) == (
        Decimal("48.30"),
        Decimal("0.00"),
        Decimal("48.30"),
    )
    assert order.shipping_address == LONDON
    assert order.payment_reference == str(checkout.pk)
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines.all()] == [
        ("TEE-M", 2, Decimal("19.90")),
        ("MUG", 1, Decimal("8.50")),
    ]
    assert order.lines.get(sku="TEE-M").line_total == Decimal("39.80")


def test_the_order_is_a_snapshot_later_checkout_changes_do_not_touch_it(ada):
    checkout = make_checkout(user_id=ada.pk)
    order = place(checkout)

    checkout.shipping_address = {**LONDON, "city": "Paris"}
    checkout.save()
    checkout.lines.update(unit_price=Decimal("99.00"))

    order.refresh_from_db()
    assert order.shipping_address["city"] == "London"
    assert order.lines.get().unit_price == Decimal("19.90")


def test_order_numbers_are_short_unambiguous_and_unique(ada):
    numbers = {place(make_checkout(user_id=ada.pk)).number for _ in range(20)}

    assert len(numbers) == 20
    for number in numbers:
        assert len(number) == 9 and number[4] == "-"
        assert not set(number.replace("-", "")) & set("ILOU")


def test_placing_records_the_order_as_paid_in_its_history(ada):
    order = place(make_checkout(user_id=ada.pk))

    change = OrderStatusChange.objects.get(order=order)
    assert (change.from_status, change.to_status, change.actor) == ("", "paid", "system")


def test_placing_announces_the_order_with_its_lines(ada):
    checkout = make_checkout(user_id=ada.pk, lines=[("TEE-M", 2, "19.90")])

    order = place(checkout)

    assert placed_events() == [
        OrderPlaced(
            number=order.number,
            checkout_id=str(checkout.pk),
            user_id=ada.pk,
            total=Decimal("44.70"),
            currency="EUR",
            lines=(OrderedLine(sku="TEE-M", quantity=2, gift_card=False),),
        )
    ]


def test_placing_the_same_checkout_twice_returns_the_first_order_and_announces_it_once(ada):
    checkout = make_checkout(user_id=ada.pk)

    first = place(checkout)
    second = place(checkout)

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert len(placed_events()) == 1


def test_a_racing_second_insert_hits_the_constraint_and_returns_the_winners_order(ada, monkeypatch):
    """What the loser of a race sees: no order at its first look, then the constraint."""
    checkout = make_checkout(user_id=ada.pk)
    winner = place(checkout)
    real_filter = Order.objects.filter
    looks = []

    def first_look_misses(*args, **kwargs):
        looks.append(kwargs)
        found = real_filter(*args, **kwargs)
        return found.none() if len(looks) == 1 else found

    monkeypatch.setattr(Order.objects, "filter", first_look_misses)

    loser = place(checkout)

    assert loser.pk == winner.pk
    assert Order.objects.count() == 1 and OrderStatusChange.objects.count() == 1
    assert len(placed_events()) == 1


def test_a_taken_order_number_is_drawn_again(ada, monkeypatch):
    taken = place(make_checkout(user_id=ada.pk)).number
    draws = iter([taken, "NEW1-2345"])
    monkeypatch.setattr(placing, "new_order_number", lambda: next(draws))

    order = place(make_checkout(user_id=ada.pk))

    assert order.number == "NEW1-2345"
