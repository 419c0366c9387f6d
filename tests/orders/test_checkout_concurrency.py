"""
50 buyers (12 with a database per service), 5 units, all at once
(PostgreSQL, a real worker): exactly 5 checkouts hold stock and become 5
orders; the others get a clean ``out_of_stock`` and hold nothing.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from shop.accounts.services import addresses as accounts
from shop.cart.services import Owner, add_item
from shop.catalog import public as catalog
from shop.catalog.models import Variant
from shop.core.db import per_app
from shop.orders.checkout.starting import start_checkout
from shop.orders.models import Checkout, Order
from tests.catalog.factories import make_product
from tests.catalog.test_stock_concurrency import race
from tests.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# With a database per service each buyer's thread holds a connection to each of
# five databases: 12 buyers stay within PostgreSQL's 100 connections.
BUYERS, UNITS = (12 if per_app() else 50), 5
LONDON = {"full_name": "A B", "line1": "1 Road", "city": "London", "postal_code": "N1",
          "country": "GB"}  # fmt: skip


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def test_many_buyers_for_five_units_make_five_orders_and_clean_refusals_for_the_rest():
    sku = make_product(stock=UNITS).variants.get().sku
    buyers = []
    for number in range(BUYERS):
        user = get_user_model().objects.create_user(email=f"buyer{number}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        accounts.add_address(user.pk, **LONDON, is_default=True)
        add_item(Owner(user_id=user.pk), sku, 1)
        buyers.append(user)

    results = race(
        lambda i: (
            start_checkout(
                user_id=buyers[i].pk,
                shipping_method="standard",
                idempotency_key=f"buyer-{i}",
                return_url="http://testserver/checkout/{checkout_id}/",
            ).checkout
        ),
        callers=BUYERS,
    )

    started = [result for result in results if isinstance(result, Checkout)]
    refused = [result for result in results if isinstance(result, catalog.OutOfStock)]
    assert (len(started), len(refused)) == (UNITS, BUYERS - UNITS), results
    assert Checkout.objects.count() == UNITS
    assert catalog.get_variant(sku).available == 0

    for checkout in started:
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(pk=checkout.user_id))
        paid = client.post(f"/api/v1{checkout.payment_redirect_url}", {"outcome": "succeeded"})
        assert paid.status_code in (200, 202), paid.content

    assert wait_for(lambda: Order.objects.count() == UNITS, timeout=60)
    assert Variant.objects.get(sku=sku).stock_on_hand == 0
    assert Order.objects.values("checkout").distinct().count() == UNITS


def test_requests_racing_with_one_idempotency_key_make_one_checkout_and_exactly_one_201():
    sku = make_product(stock=10).variants.get().sku
    buyer = get_user_model().objects.create_user(email="racer@example.com")
    EmailAddress.objects.create(user=buyer, email=buyer.email, primary=True, verified=True)
    accounts.add_address(buyer.pk, **LONDON, is_default=True)
    add_item(Owner(user_id=buyer.pk), sku, 2)

    def post(_i):
        client = APIClient()
        client.force_authenticate(buyer)
        return client.post(
            "/api/v1/checkout/",
            {"shipping_method": "standard"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="one-purchase",
        )

    responses = race(post, callers=8)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 7 + [201], [getattr(r, "content", r) for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert Checkout.objects.count() == 1
    assert catalog.get_variant(sku).available == 8
