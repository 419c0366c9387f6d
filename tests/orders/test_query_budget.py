"""
What the purchase's synchronous steps cost in queries (issue 18), on every
database together, counted as ``bench/purchase_queries.py`` counts them: in
real transactions, with the events held from the broker (their consumers are
the asynchronous half), and the shipping and tax set-up cached as a shop that
has sold before has it. Starting a checkout is guarded where it stands now
(the issue's aim is 15: the stock reservation's savepoints and the payment
are what is left); Stripe's webhook and a poll are within the aim.
"""

import json

import pytest
from rest_framework.test import APIClient

from bench.buyers import CHECKOUT, CHECKOUT_BODY, WEBHOOK
from bench.purchase_queries import Counted, warm_up
from shop.core import messaging
from tests.catalog.factories import make_product
from tests.payments.conftest import fake_stripe  # noqa: F401
from tests.payments.fake_stripe import signature

from .test_checkout import make_buyer

pytestmark = pytest.mark.django_db(transaction=True)

START_CHECKOUT = 23
WEBHOOK_ANSWER = 8
POLL = 2


@pytest.fixture(autouse=True)
def _events_held(monkeypatch):
    monkeypatch.setattr(messaging, "_send", lambda message: None)


def counted(call):
    with Counted() as queries:
        response = call()
    assert response.status_code in (200, 201), response.content
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
