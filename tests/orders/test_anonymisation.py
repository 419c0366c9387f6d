"""A customer who deletes their account disappears from orders and checkouts; the books stay."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shop.accounts.events import UserDeleted
from shop.orders.models import Checkout, Order
from shop.orders.services import forgetting, lifecycle
from shop.orders.tasks import forget_customer

from .factories import make_checkout, make_order

pytestmark = pytest.mark.django_db

DELETED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def user_deleted(user_id: int) -> dict:
    return {
        "id": "6f1c7e4a-1b2c-4d3e-8f90-123456789abc",
        "name": UserDeleted.name,
        "version": 1,
        "occurred_at": DELETED_AT.isoformat(),
        "payload": {"user_id": user_id, "deleted_at": DELETED_AT.isoformat()},
    }


def test_deleting_an_account_anonymises_its_orders_and_checkouts(ada, bob, mailoutbox):
    order = make_order(user_id=ada.pk, lines=[("TEE-M", 2, "19.90")])
    lifecycle.cancel_order(order.number, actor=f"customer:{ada.pk}", reason="Call me on 0207")
    pending = make_checkout(user_id=ada.pk)
    bobs = make_order(user_id=bob.pk, email="bob@example.com")

    forget_customer(user_deleted(ada.pk))

    order.refresh_from_db()
    assert order.email == f"deleted-{ada.pk}@invalid"
    assert order.shipping_address["country"] == "GB"
    assert {value for key, value in order.shipping_address.items() if key != "country"} == {""}
    assert order.anonymised_at is not None
    assert order.status_changes.get(to_status="cancelled", internal=False).note == ""
    assert (order.total, order.lines.get().sku, order.placed_at) == (
        Decimal("44.70"),
        "TEE-M",
        Order.objects.get(pk=order.pk).placed_at,
    )
    pending.refresh_from_db()
    assert pending.email == f"deleted-{ada.pk}@invalid"
    assert pending.shipping_address["full_name"] == ""
    assert pending.shipping_address["phone"] == ""
    assert Checkout.objects.get(pk=bobs.checkout_id).email == "bob@example.com"
    bobs.refresh_from_db()
    assert bobs.email == "bob@example.com" and bobs.anonymised_at is None


def test_an_order_placed_after_the_account_was_deleted_is_anonymised_at_once(
    ada, deliver, mailoutbox
):
    checkout = make_checkout(user_id=ada.pk)
    forget_customer(user_deleted(ada.pk))

    order = make_order(user_id=ada.pk)
    deliver()

    assert order.email == f"deleted-{ada.pk}@invalid"
    assert order.shipping_address["line1"] == ""
    checkout.refresh_from_db()
    assert checkout.email == f"deleted-{ada.pk}@invalid"
    assert mailoutbox == []


def test_the_deletion_event_twice_changes_nothing_more(ada):
    make_order(user_id=ada.pk)

    forget_customer(user_deleted(ada.pk))
    forget_customer(user_deleted(ada.pk))

    assert forgetting.forget_customer(ada.pk, DELETED_AT) == 0
