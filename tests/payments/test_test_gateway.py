"""
The built-in test gateway, the default without Stripe keys: a page with
"Pay" and "Decline" (and the same for API clients) that settles the payment
through the webhook's own path, and is off in production unless enabled.
"""

import pytest
from rest_framework.test import APIClient

from shop.payments import public
from shop.payments.events import PaymentFailed, PaymentSucceeded
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
def browser(client, customer):
    client.force_login(customer)
    return client


def page(payment) -> str:
    return f"/payments/test/{payment.id}/"


def api_url(payment) -> str:
    return f"/api/v1/payments/test/{payment.id}/"


def status_of(payment) -> str:
    return public.get_payment(payment.id).status


def wait_for_status(payment, status: str) -> bool:
    return status_becomes(payment.id, status)


def test_without_stripe_keys_the_customer_is_sent_to_the_test_page(payment):
    assert payment.provider == "test"
    assert payment.redirect_url == page(payment)


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


def test_an_api_client_pays_with_the_outcome(payment, customer):
    api = APIClient()
    api.force_authenticate(customer)

    response = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")

    assert response.status_code == 202
    assert response.json()["next_url"] == RETURN_URL
    assert response.json()["id"] == payment.id
    assert wait_for_status(payment, "succeeded")


def test_an_api_client_declines_and_cannot_pay_afterwards(payment, customer):
    api = APIClient()
    api.force_authenticate(customer)

    declined = api.post(api_url(payment), {"outcome": "failed"}, format="json")
    assert declined.json()["next_url"] == CANCEL_URL
    assert wait_for_status(payment, "failed")
    paid = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")

    assert paid.status_code == 409
    assert paid.json()["code"] == "payment_not_pending"
    assert published(PaymentSucceeded) == []


def test_an_unknown_outcome_is_refused_with_a_code(payment, customer):
    api = APIClient()
    api.force_authenticate(customer)

    response = api.post(api_url(payment), {"outcome": "maybe"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "outcome" in response.json()
    assert not GatewayEvent.objects.exists()


def test_another_customers_payment_is_not_found(payment, client):
    mallory = make_customer("mallory@example.com")
    client.force_login(mallory)
    api = APIClient()
    api.force_authenticate(mallory)

    assert client.get(page(payment)).status_code == 404
    assert client.post(page(payment), {"outcome": "succeeded"}).status_code == 404
    response = api.post(api_url(payment), {"outcome": "succeeded"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "payment_not_found"
    assert status_of(payment) == "pending"


def test_signed_out_visitors_are_asked_to_sign_in(payment, client):
    assert client.get(page(payment)).status_code == 302
    response = APIClient().post(api_url(payment), {"outcome": "succeeded"}, format="json")
    assert response.status_code == 401


def test_a_stripe_payment_has_no_test_page(fake_stripe, customer, client, settings):
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    payment = create_payment(customer, reference="checkout-stripe")
    client.force_login(customer)

    assert client.post(page(payment), {"outcome": "succeeded"}).status_code == 404
    assert status_of(payment) == "pending"


def test_the_test_gateway_refuses_when_debug_is_off_and_it_is_not_enabled(
    browser, payment, customer, settings
):
    settings.DEBUG = False
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = False
    api = APIClient()
    api.force_authenticate(customer)

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
