"""
What the purchase's synchronous steps cost in queries (issue 18), on every
database together, counted as ``bench/purchase_queries.py`` counts them: in
real transactions, with the events held from the broker (their consumers are
the asynchronous half), and the shipping and tax set-up cached as a shop that
has sold before has it. Starting a checkout through the API or the checkout
page's form, Stripe's webhook and a poll are within the issue's aims.
"""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from bench.buyers import CHECKOUT, CHECKOUT_BODY, WEBHOOK
from bench.purchase_queries import Counted, warm_up
from shop.accounts import public as accounts
from shop.core import messaging
from shop.orders.models import Checkout
from tests.catalog.factories import make_product
from tests.payments.conftest import fake_stripe  # noqa: F401
from tests.payments.fake_stripe import signature

from .test_checkout import make_buyer

pytestmark = pytest.mark.django_db(transaction=True)

START_CHECKOUT = 15
WEBHOOK_ANSWER = 8
POLL = 2


@pytest.fixture(autouse=True)
def _events_held(monkeypatch):
    monkeypatch.setattr(messaging, "_send", lambda message: None)


def counted(call, statuses=(200, 201)):
    with Counted() as queries:
        response = call()
    assert response.status_code in statuses, response.content
    return response, len(queries)


def test_a_purchase_s_web_steps_stay_within_their_query_budgets(fake_stripe):  # noqa: F811
    warm_up()
    tee = make_product("Tee", price="20.00", stock=5).variants.get().sku
    api = APIClient()
    api.force_login(make_buyer())
    api.post("/api/v1/cart/items/", {"sku": tee, "quantity": 1})

    started, start_queries = counted(
        lambda: api.post(CHECKOUT, CHECKOUT_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    )
    checkout = started.json()
    paid = fake_stripe.pay(checkout["payment"]["redirect_url"].rsplit("/", 1)[-1])
    body = json.dumps(fake_stripe.event("checkout.session.completed", paid))
    _, webhook_queries = counted(
        lambda: APIClient().post(
            WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(body)
        )
    )
    polled, poll_queries = counted(lambda: api.get(f"{CHECKOUT}{checkout['id']}/"))

    assert start_queries <= START_CHECKOUT
    assert webhook_queries <= WEBHOOK_ANSWER
    assert poll_queries <= POLL
    assert (checkout["status"], checkout["total"]) == ("awaiting_payment", "24.90")
    assert [line["sku"] for line in checkout["lines"]] == [tee]
    assert polled.json() == {**checkout, "status": polled.json()["status"]}


def test_starting_a_checkout_on_the_checkout_page_stays_within_the_same_budget(
    fake_stripe,  # noqa: F811
):
    warm_up()
    tee = make_product("Tee", price="20.00", stock=5).variants.get().sku
    buyer = make_buyer()
    browser = Client()
    browser.force_login(buyer)
    browser.post("/cart/add/", {"sku": tee, "quantity": "1"})
    form = {
        "address": str(accounts.get_default_address(buyer.pk).id),
        "shipping_method": "standard",
        "idempotency_key": "page-1",
    }

    started, start_queries = counted(lambda: browser.post("/checkout/", form), statuses=(302,))

    assert start_queries <= START_CHECKOUT
    checkout = Checkout.objects.get(user_id=buyer.pk)
    assert (checkout.status, checkout.idempotency_key) == ("awaiting_payment", "page-1")
    assert started["Location"] == checkout.payment_redirect_url != ""
