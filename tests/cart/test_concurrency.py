"""
Two tabs, a double click, two devices: concurrent changes to one cart apply
one after the other (PostgreSQL, one connection per thread).
"""

import pytest
from django.db import connection

from shop.cart import public
from shop.cart.errors import NotEnoughStock
from shop.cart.services import Owner, add_item, merge_anonymous_cart
from shop.cart.tokens import issue_token, token_key
from tests.catalog.factories import make_product
from tests.catalog.test_stock_concurrency import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ADA = 11


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def test_simultaneous_adds_to_one_cart_lose_no_update_and_never_exceed_stock():
    sku = make_product(stock=6).variants.get().sku

    results = race(lambda i: add_item(Owner(user_id=ADA), sku, 1), callers=10)

    added = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, NotEnoughStock)]
    assert (len(added), len(refused)) == (6, 4)
    assert public.get_cart_lines(user_id=ADA) == (public.CartLineInfo(sku, 6),)


def test_a_first_add_from_two_devices_makes_one_cart():
    sku = make_product(stock=50).variants.get().sku

    results = race(lambda i: add_item(Owner(user_id=ADA), sku, 2), callers=8)

    assert not [result for result in results if isinstance(result, Exception)]
    assert public.get_cart_lines(user_id=ADA) == (public.CartLineInfo(sku, 16),)


def test_a_login_merge_racing_an_add_keeps_both():
    sku = make_product(stock=50).variants.get().sku
    signed = issue_token()
    add_item(Owner(token_key=token_key(signed)), sku, 3)

    def attempt(i):
        if i == 0:
            return merge_anonymous_cart(token_key(signed), ADA)
        return add_item(Owner(user_id=ADA), sku, 1)

    results = race(attempt, callers=2)

    assert not [result for result in results if isinstance(result, Exception)]
    assert public.get_cart_lines(user_id=ADA) == (public.CartLineInfo(sku, 4),)
