"""
The built-in test gateway, the default without Stripe keys: a page with
"Pay" and "Decline" (and the same for API clients) that settles the payment
through the webhook's own path, and is off in production unless enabled.
Like a Stripe Checkout link, the page's address is the permission: its key
lets whoever was given the link pay, and nothing else reaches the payment.
"""

import pytest
from rest_framework.test import APIClient

from shop.payments import public
from shop.payments.events import PaymentFailed, PaymentSucceeded
from shop.payments.gateways.builtin import page_key
from shop.payments.models import GatewayEvent

from .conftest import (
    CANCEL_URL,
    RETURN_URL,
    create_payment,
    make_customer,
    published,
    status_becomes,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def payment(test_gateway, customer):
    return create_payment(customer, reference="checkout-42", amount="49.90")


@pytest.fixture
def browser(client):
    """The customer's browser: the payment link is all it needs, as on Stripe's page."""
    return client


def page(payment, key=None) -> str:
    return f"/payments/test/{payment.id}/{page_key(payment.id) if key is None else key}/"


def api_url(payment, key=None) -> str:
    return "/api/v1" + page(payment, key)


def status_of(payment) -> str:
    return public.get_payment(payment.id).status


def wait_for_status(payment, status: str) -> bool:
    return status_becomes(payment.id, status)


def test_without_stripe_keys_the_customer_is_sent_to_the_test_page(payment):
    assert payment.provider == "test"
    assert payment.redirect_url == page(payment)


def test_the_payment_link_points_at_the_payments_service_when_it_runs_apart(
    test_gateway, customer, settings
):
    settings.PAYMENTS_URL = "http://127.0.0.1:8001/"

    payment = create_payment(customer, reference="checkout-apart")

    assert payment.redirect_url == "http://127.0.0.1:8001" + page(payment)


def test_the_page_stands_apart_from_the_storefront(browser, payment):
    html = browser.get(page(payment)).content.decode()

    assert "Sign in" not in html
    assert 'href="/cart/"' not in html


def test_the_page_shows_the_amount_and_both_buttons(browser, payment):
    response = browser.get(page(payment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "€49.90" in html
    assert 'value="succeeded"' in html
    assert 'value="failed"' in html
    assert "csrfmiddlewaretoken" in html


def test_paying_on_the_page_sends_the_customer_back_and_the_payment_succeeds(browser, payment):
    response = browser.post(page(payment), {"outcome": "succeeded"})

    assert response.status_code == 302
    assert response["Location"] == RETURN_URL
    assert wait_for_status(payment, "succeeded")
    assert published(PaymentSucceeded) == [
        PaymentSucceeded(
            reference="checkout-42", payment_id=payment.id, amount=payment.amount, currency="EUR"
        )
    ]
    assert GatewayEvent.objects.get().provider == "test"


def test_declining_on_the_page_fails_the_payment(browser, payment):
    response = browser.post(page(payment), {"outcome": "failed"})

    assert response["Location"] == CANCEL_URL
    assert wait_for_status(payment, "failed")
    assert published(PaymentFailed) == [
        PaymentFailed(reference="checkout-42", payment_id=payment.id, reason="declined")
    ]


def test_paying_twice_is_one_payment(browser, payment):
    browser.post(page(payment), {"outcome": "succeeded"})
    assert wait_for_status(payment, "succeeded")

    again = browser.post(page(payment), {"outcome": "succeeded"})

    assert again.status_code == 302
    assert GatewayEvent.objects.count() == 1
    assert len(published(PaymentSucceeded)) == 1


def test_declining_after_paying_is_refused_on_the_page(browser, payment):
    browser.post(page(payment), {"outcome": "succeeded"})
    assert wait_for_status(payment, "succeeded")

    response = browser.post(page(payment), {"outcome": "failed"})

    assert response.status_code == 400
    assert "no longer waiting" in response.content.decode()
    assert status_of(payment) == "succeeded"


def test_the_page_of_a_settled_payment_has_no_buttons(browser, payment):
    public.cancel_payment("checkout-42")

    response = browser.get(page(payment))

    assert 'value="succeeded"' not in response.content.decode()
    assert "canceled" in response.content.decode()


def test_an_api_client_pays_with_the_outcome_and_the_links_key_alone(payment):
    api = APIClient()

    response = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")

    assert response.status_code == 202
    assert response.json()["next_url"] == RETURN_URL
    assert response.json()["id"] == payment.id
    assert wait_for_status(payment, "succeeded")


def test_an_api_client_declines_and_cannot_pay_afterwards(payment):
    api = APIClient()

    declined = api.post(api_url(payment), {"outcome": "failed"}, format="json")
    assert declined.json()["next_url"] == CANCEL_URL
    assert wait_for_status(payment, "failed")
    paid = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")

    assert paid.status_code == 409
    assert paid.json()["code"] == "payment_not_pending"
    assert published(PaymentSucceeded) == []


def test_an_unknown_outcome_is_refused_with_a_code(payment):
    api = APIClient()

    response = api.post(api_url(payment), {"outcome": "maybe"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "outcome" in response.json()
    assert not GatewayEvent.objects.exists()


@pytest.mark.parametrize("key", ["0" * 32, "", "not-the-key"])
def test_a_payment_is_not_found_without_its_links_key(payment, client, key):
    mallory = make_customer("mallory@example.com")
    client.force_login(mallory)
    api = APIClient()
    api.force_authenticate(mallory)

    assert client.get(page(payment, key)).status_code == 404
    assert client.post(page(payment, key), {"outcome": "succeeded"}).status_code == 404
    response = api.post(api_url(payment, key), {"outcome": "succeeded"}, format="json")
    assert response.status_code == 404
    if key:
        assert response.json()["code"] == "payment_not_found"
    assert status_of(payment) == "pending"


def test_one_payments_key_opens_no_other_payment(payment, customer, client):
    other = create_payment(customer, reference="checkout-43")

    response = client.post(page(other, page_key(payment.id)), {"outcome": "succeeded"})

    assert response.status_code == 404
    assert status_of(other) == "pending"


def test_a_stripe_payment_has_no_test_page(fake_stripe, customer, client, settings):
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    payment = create_payment(customer, reference="checkout-stripe")

    assert client.post(page(payment), {"outcome": "succeeded"}).status_code == 404
    assert status_of(payment) == "pending"


def test_the_test_gateway_refuses_when_debug_is_off_and_it_is_not_enabled(
    browser, payment, settings
):
    settings.DEBUG = False
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = False
    api = APIClient()

    html = browser.post(page(payment), {"outcome": "succeeded"})
    response = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")

    assert html.status_code == 403
    assert response.status_code == 403
    assert response.json()["code"] == "test_gateway_disabled"
    assert status_of(payment) == "pending"
    assert not GatewayEvent.objects.exists()


def test_the_test_gateway_runs_with_debug_off_when_explicitly_enabled(browser, payment, settings):
    settings.DEBUG = False
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True

    assert browser.post(page(payment), {"outcome": "succeeded"}).status_code == 302
    assert wait_for_status(payment, "succeeded")


def test_without_stripe_keys_or_test_gateway_no_payment_can_be_taken(customer, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = False

    with pytest.raises(public.GatewayUnavailable):
        create_payment(customer)
