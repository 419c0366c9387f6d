"""
The hot reads of checkouts and orders are compiled once (``shop.core.prepared``)
and answer as the plain ORM answers from the same definition: the same
objects with every field converted alike, the joined checkout, order and
shipment (or their absence), the annotations, in one query each.
"""

import uuid

import pytest
from django.utils import timezone

from shop.core import prepared
from shop.orders import guests, selectors
from shop.orders.checkout import selectors as checkout_selectors
from shop.orders.db import db
from shop.orders.errors import CheckoutNotFound
from shop.orders.models import ForgottenCustomer, Shipment
from tests.core.instances import snapshot

from .factories import TEE, make_checkout, make_order

pytestmark = pytest.mark.django_db

MUG = ("MUG", 1, "8.50")


def plain_orm(key, build, *values, using):
    return list(build(*values))


def assert_answers_as_the_orm(monkeypatch, read, django_assert_num_queries):
    """``read()`` compiled, then from what it compiled, against the plain ORM's answer."""
    first = read()
    with django_assert_num_queries(1):
        again = read()
    with monkeypatch.context() as orm:
        orm.setattr(prepared, "read", plain_orm)
        expected = read()
    assert snapshot(first) == snapshot(again) == snapshot(expected)
    return again


def test_a_customer_s_checkout_with_and_without_its_order(monkeypatch, django_assert_num_queries):
    pending = make_checkout(user_id=7, lines=(TEE, MUG))
    checkout = assert_answers_as_the_orm(
        monkeypatch,
        lambda: checkout_selectors.checkout_for(7, str(pending.pk)),
        django_assert_num_queries,
    )
    assert [line.sku for line in checkout.lines.all()] == ["TEE-M", "MUG"]
    assert all(line.checkout is checkout for line in checkout.lines.all())
    with pytest.raises(checkout.__class__.order.RelatedObjectDoesNotExist):
        checkout.order  # noqa: B018 (joined, and absent)

    placed = make_order(user_id=7).checkout
    checkout = assert_answers_as_the_orm(
        monkeypatch,
        lambda: checkout_selectors.checkout_for(7, placed.pk),
        django_assert_num_queries,
    )
    number, price = placed.order.number, placed.lines.get().unit_price
    with django_assert_num_queries(0):
        assert checkout.order.number == number
        assert checkout.lines.all()[0].unit_price == price


def test_a_guest_s_checkout_by_its_cart_and_by_its_link(monkeypatch, django_assert_num_queries):
    guest = make_checkout(user_id=None, cart_key="cart-1", lines=(MUG,))
    by_cart = assert_answers_as_the_orm(
        monkeypatch,
        lambda: checkout_selectors.guest_checkout_for("cart-1", guest.pk),
        django_assert_num_queries,
    )
    key = guests.checkout_key(guest.pk)
    by_link = assert_answers_as_the_orm(
        monkeypatch,
        lambda: checkout_selectors.checkout_by_link(str(guest.pk), key),
        django_assert_num_queries,
    )
    assert by_cart.pk == by_link.pk == guest.pk
    assert by_cart.shipping_address == guest.shipping_address


@pytest.mark.parametrize(
    "read",
    [
        lambda pk: checkout_selectors.checkout_for(8, pk),
        lambda pk: checkout_selectors.checkout_for(7, uuid.uuid4()),
        lambda pk: checkout_selectors.checkout_for(7, "not-a-checkout"),
        lambda pk: checkout_selectors.guest_checkout_for("cart-2", pk),
        lambda pk: checkout_selectors.guest_checkout_for("", pk),
        lambda pk: checkout_selectors.checkout_by_link(pk, "wrong"),
    ],
)
def test_another_s_or_an_unknown_checkout_is_not_found(read):
    mine = make_checkout(user_id=7)
    make_checkout(user_id=None, cart_key="cart-1")
    with pytest.raises(CheckoutNotFound):
        read(mine.pk)


def test_completion_s_locked_reads_with_the_customer_forgotten_or_not(
    monkeypatch, django_assert_num_queries
):
    kept = make_checkout(user_id=7, lines=(TEE, MUG))
    forgotten = make_checkout(user_id=9)
    ForgottenCustomer.objects.create(user_id=9, deleted_at=timezone.now())
    without_lines = make_checkout(user_id=7, lines=())
    for checkout, was_forgotten in ((kept, False), (forgotten, True)):
        with_lines = assert_answers_as_the_orm(
            monkeypatch,
            lambda checkout=checkout: checkout_selectors.locked_checkout_with_lines(
                str(checkout.pk)
            ),
            django_assert_num_queries,
        )
        alone = assert_answers_as_the_orm(
            monkeypatch,
            lambda checkout=checkout: checkout_selectors.locked_checkout(str(checkout.pk)),
            django_assert_num_queries,
        )
        assert with_lines.customer_forgotten is alone.customer_forgotten is was_forgotten
        assert alone.total == with_lines.total == checkout.total
    assert checkout_selectors.locked_checkout_with_lines(str(without_lines.pk)).lines.count() == 0
    for reference in (str(uuid.uuid4()), "not-a-checkout"):
        assert checkout_selectors.locked_checkout(reference) is None
        assert checkout_selectors.locked_checkout_with_lines(reference) is None


@pytest.mark.parametrize("lock", [False, True])
def test_an_order_with_its_lines_and_shipment_for_its_consumers(
    lock, monkeypatch, django_assert_num_queries
):
    shipped = make_order(user_id=7, lines=(TEE, MUG))
    Shipment.objects.create(order=shipped, carrier="DHL", tracking_number="JD0001")
    waiting = make_order(user_id=None, cart_key="cart-1")
    for placed in (shipped, waiting):
        with db.atomic():
            order = assert_answers_as_the_orm(
                monkeypatch,
                lambda placed=placed: selectors.order_with_lines(placed.number, lock=lock),
                django_assert_num_queries,
            )
        assert order.pk == placed.pk
        assert [line.sku for line in order.lines.all()] == [
            line.sku for line in placed.lines.order_by("id")
        ]
    assert order_shipment(selectors.order_with_lines(shipped.number)) == "JD0001"
    assert order_shipment(selectors.order_with_lines(waiting.number)) is None
    assert selectors.order_with_lines("NOPE", lock=lock) is None
    waiting.lines.all().delete()
    assert selectors.order_with_lines(waiting.number, lock=lock).pk == waiting.pk


def order_shipment(order):
    return order.shipment.tracking_number if hasattr(order, "shipment") else None
