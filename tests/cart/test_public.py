"""What other apps (orders) get from shop.cart.public, and the login merge rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.cart import public
from shop.cart.models import Cart
from shop.cart.services import Owner, add_item, merge_anonymous_cart
from shop.cart.tasks import delete_abandoned_carts
from shop.cart.tokens import issue_token, token_key
from shop.catalog.models import Variant
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db

ADA = 7


def sku(product) -> str:
    return product.variants.get().sku


def lines(user_id=ADA) -> list[tuple[str, int]]:
    return [(line.sku, line.quantity) for line in public.get_cart_lines(user_id=user_id)]


@pytest.fixture
def tee():
    return make_product("Tee", stock=10)


@pytest.fixture
def mug():
    return make_product("Mug", stock=10)


def anonymous_cart(*items) -> str:
    signed = issue_token()
    for item_sku, quantity in items:
        add_item(Owner(token_key=token_key(signed)), item_sku, quantity)
    return signed


def test_lines_by_user_or_by_token_in_the_order_they_were_added(tee, mug):
    add_item(Owner(user_id=ADA), sku(mug), 1)
    add_item(Owner(user_id=ADA), sku(tee), 2)
    signed = anonymous_cart((sku(tee), 3))

    assert lines() == [(sku(mug), 1), (sku(tee), 2)]
    assert public.get_cart_lines(cart_token=signed) == (public.CartLineInfo(sku(tee), 3),)
    assert public.get_cart_lines(user_id=999) == ()


def test_a_forged_token_is_refused(tee):
    with pytest.raises(public.InvalidCartToken):
        public.get_cart_lines(cart_token="made-up")


def test_clearing_after_an_order_is_idempotent_and_keeps_what_was_added_since(tee, mug):
    add_item(Owner(user_id=ADA), sku(tee), 2)
    bought = public.get_cart_lines(user_id=ADA)
    add_item(Owner(user_id=ADA), sku(tee), 1)
    add_item(Owner(user_id=ADA), sku(mug), 1)

    assert public.clear_cart(key="checkout-1", user_id=ADA, lines=bought) is True
    assert lines() == [(sku(tee), 1), (sku(mug), 1)]

    assert public.clear_cart(key="checkout-1", user_id=ADA, lines=bought) is False
    assert lines() == [(sku(tee), 1), (sku(mug), 1)]


def test_clearing_everything_and_clearing_a_missing_cart(tee):
    add_item(Owner(user_id=ADA), sku(tee), 2)

    assert public.clear_cart(key="checkout-2", user_id=ADA) is True
    assert lines() == []
    assert public.clear_cart(key="checkout-3", user_id=404) is True


def test_a_guest_checkouts_cart_merged_at_sign_in_has_what_was_bought_taken_out(tee, mug):
    # A guest starts a checkout from their anonymous cart, then signs in before
    # paying: the cart goes into the account's, and the order clears it there.
    add_item(Owner(user_id=ADA), sku(mug), 1)
    signed = anonymous_cart((sku(tee), 2))
    bought = public.get_cart_lines(cart_token=signed)
    merge_anonymous_cart(token_key(signed), ADA)
    assert lines() == [(sku(mug), 1), (sku(tee), 2)]

    public.clear_cart(key="checkout-4", cart_key=token_key(signed), lines=bought)

    assert lines() == [(sku(mug), 1)]
    # "Everything" of a cart that is gone is nothing: the account's cart stays.
    public.clear_cart(key="checkout-5", cart_key=token_key(signed))
    assert lines() == [(sku(mug), 1)]


def test_merge_adds_quantities_of_the_same_sku(tee, mug):
    add_item(Owner(user_id=ADA), sku(tee), 2)
    signed = anonymous_cart((sku(tee), 3), (sku(mug), 1))

    capped = merge_anonymous_cart(token_key(signed), ADA)

    assert capped == ()
    assert lines() == [(sku(tee), 5), (sku(mug), 1)]
    assert not Cart.objects.filter(token=token_key(signed)).exists()


def test_merge_caps_at_what_is_available_but_never_lowers_the_saved_cart(tee, mug):
    add_item(Owner(user_id=ADA), sku(tee), 4)
    signed = anonymous_cart((sku(tee), 5), (sku(mug), 3))
    Variant.objects.filter(sku=sku(tee)).update(stock_on_hand=3)
    Variant.objects.filter(sku=sku(mug)).update(stock_on_hand=2)

    capped = merge_anonymous_cart(token_key(signed), ADA)

    assert lines() == [(sku(tee), 4), (sku(mug), 2)]
    assert {(line.sku, line.wanted, line.kept) for line in capped} == {
        (sku(tee), 9, 4),
        (sku(mug), 3, 2),
    }


def test_merge_drops_lines_that_can_no_longer_be_bought(tee, mug):
    signed = anonymous_cart((sku(tee), 1), (sku(mug), 1))
    mug.is_active = False
    mug.save()

    merge_anonymous_cart(token_key(signed), ADA)

    assert lines() == [(sku(tee), 1)]


def test_merge_into_a_user_without_a_cart_creates_it_and_a_second_merge_is_a_no_op(tee):
    signed = anonymous_cart((sku(tee), 2))

    merge_anonymous_cart(token_key(signed), ADA)
    merge_anonymous_cart(token_key(signed), ADA)

    assert lines() == [(sku(tee), 2)]


def test_abandoned_anonymous_carts_are_deleted_but_user_carts_and_fresh_ones_stay(tee, settings):
    settings.CART_ANONYMOUS_MAX_AGE_DAYS = 30
    old, fresh = anonymous_cart((sku(tee), 1)), anonymous_cart((sku(tee), 1))
    add_item(Owner(user_id=ADA), sku(tee), 1)
    long_ago = timezone.now() - timedelta(days=31)
    Cart.objects.filter(token=token_key(old)).update(updated_at=long_ago)
    Cart.objects.filter(user_id=ADA).update(updated_at=long_ago)

    assert delete_abandoned_carts() == 1

    assert public.get_cart_lines(cart_token=old) == ()
    assert len(public.get_cart_lines(cart_token=fresh)) == 1
    assert lines() == [(sku(tee), 1)]
