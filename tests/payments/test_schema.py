"""The payments endpoints are in /api/schema/ with their request and error shapes."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_webhook_is_documented_with_its_signature_header_and_refusals(schema):
    webhook = schema["paths"]["/api/v1/payments/webhooks/stripe/"]["post"]

    headers = [p["name"] for p in webhook["parameters"] if p["in"] == "header"]
    assert headers == ["Stripe-Signature"]
    assert {"200", "400", "503"} <= set(webhook["responses"])
    assert webhook["security"] == [{}]


def test_the_test_gateway_endpoint_is_documented(schema):
    endpoint = schema["paths"]["/api/v1/payments/test/{payment_id}/{key}/"]["post"]

    assert {"202", "400", "403", "404", "409"} <= set(endpoint["responses"])
    assert endpoint["security"] == [{}]
    assert endpoint["tags"] == ["payments"]
