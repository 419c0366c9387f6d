"""
50 buyers (12 with a database per service) start checkout at the same instant
with the same single-use voucher code in their carts (PostgreSQL): exactly one
checkout holds it, and stock; the others get a clean 409 ``voucher_used_up``
and hold no stock.
"""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection

from shop.accounts.services import addresses as accounts
from shop.cart.models import Cart
from shop.cart.services import Owner, add_item
from shop.catalog import public as catalog
from shop.core.db import per_app
from shop.orders.checkout.starting import start_checkout
from shop.orders.models import Checkout
from shop.promotions import public as promotions
from shop.promotions.models import Voucher, VoucherUse
from tests.catalog.factories import make_product
from tests.catalog.test_stock_concurrency import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUYERS, STOCK = (12 if per_app() else 50), 100
LONDON = {"full_name": "A B", "line1": "1 Road", "city": "London", "postal_code": "N1",
          "country": "GB"}  # fmt: skip


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def test_buyers_racing_for_one_single_use_code_make_one_checkout_and_hold_nothing_else():
    sku = make_product(stock=STOCK).variants.get().sku
    Voucher.objects.create(code="ONLYONE", kind="percent", value=Decimal("50"), max_uses=1)
    buyers = []
    for number in range(BUYERS):
        user = get_user_model().objects.create_user(email=f"storm{number}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        accounts.add_address(user.pk, **LONDON, is_default=True)
        add_item(Owner(user_id=user.pk), sku, 1)
        buyers.append(user)
    Cart.objects.update(voucher_code="ONLYONE")

    results = race(
        lambda i: (
            start_checkout(
                user_id=buyers[i].pk,
                shipping_method="standard",
                idempotency_key=f"storm-{i}",
                return_url="http://testserver/checkout/{checkout_id}/",
            ).checkout
        ),
        callers=BUYERS,
    )

    started = [result for result in results if isinstance(result, Checkout)]
    refused = [result for result in results if isinstance(result, promotions.VoucherUsedUp)]
    assert (len(started), len(refused)) == (1, BUYERS - 1), results
    assert {error.status_code for error in refused} == {409}
    assert Checkout.objects.count() == 1
    assert started[0].voucher_code == "ONLYONE" and started[0].discount_total > 0
    assert VoucherUse.objects.filter(status="held").count() == 1
    assert catalog.get_variant(sku).available == STOCK - 1
