"""A customer who deletes their account loses their cart (``accounts.UserDeleted``)."""

from datetime import UTC, datetime

import pytest

from shop.accounts.events import UserDeleted
from shop.cart import public
from shop.cart.models import Cart
from shop.cart.services import Owner, add_item
from shop.cart.tasks import forget_customer
from shop.cart.tokens import issue_token, token_key
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db

ADA, BOB = 7, 8


def user_deleted(user_id: int, event_id: str = "0b8d3c2e-5f41-4a57-9d0e-6c1f2a3b4c5d") -> dict:
    deleted_at = datetime(2026, 12, 2, 12, 0, tzinfo=UTC).isoformat()
    return {
        "id": event_id,
        "name": UserDeleted.name,
        "version": 1,
        "occurred_at": deleted_at,
        "payload": {"user_id": user_id, "deleted_at": deleted_at},
    }


def test_the_deleted_customers_cart_goes_and_nobody_elses():
    sku = make_product("Tee", stock=10).variants.get().sku
    signed = issue_token()
    for owner in (Owner(user_id=ADA), Owner(user_id=BOB), Owner(token_key=token_key(signed))):
        add_item(owner, sku, 1)

    forget_customer(user_deleted(ADA))

    assert not Cart.objects.filter(user_id=ADA).exists()
    assert public.get_cart_lines(user_id=ADA) == ()
    assert public.get_cart_lines(user_id=BOB) == (public.CartLineInfo(sku, 1),)
    assert public.get_cart_lines(cart_token=signed) == (public.CartLineInfo(sku, 1),)


def test_the_event_delivered_again_changes_nothing_more():
    sku = make_product("Tee", stock=10).variants.get().sku
    forget_customer(user_deleted(ADA))
    add_item(Owner(user_id=ADA), sku, 1)

    forget_customer(user_deleted(ADA))

    assert public.get_cart_lines(user_id=ADA) == (public.CartLineInfo(sku, 1),)


def test_the_consumer_is_the_one_the_event_catalog_names():
    assert forget_customer.name == "cart.forget_customer"
