"""
What the API fuzzer (``tests/api/test_schema_fuzz.py``) found in the orders
API: answers it gave that ``/api/schema/`` did not document, or server errors.
"""

import uuid

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from tests.api.contract import assert_documented

pytestmark = pytest.mark.django_db


def test_an_anonymous_checkout_is_the_documented_401():
    response = APIClient().post("/api/v1/checkout/", {"shipping_method": "standard"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert_documented(response, "post", "/api/v1/checkout/")


def test_following_a_checkout_anonymously_is_the_documented_401():
    response = APIClient().get(f"/api/v1/checkout/{uuid.uuid4()}/")

    assert response.status_code == 401
    assert_documented(response, "get", "/api/v1/checkout/{checkout_id}/")


def test_checking_out_to_an_unknown_address_is_the_documented_404(django_user_model):
    customer = django_user_model.objects.create_user(email="ada@example.com")
    EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
    api = APIClient()
    api.force_authenticate(customer)

    response = api.post(
        "/api/v1/checkout/", {"shipping_method": "standard", "address_id": 987654}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "address_not_found"
    assert_documented(response, "post", "/api/v1/checkout/")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/orders/7K3Q%00/"),
        ("post", "/api/v1/orders/7K3Q%00/cancel/"),
        ("get", "/orders/7K3Q%00/"),
    ],
)
def test_an_order_number_with_a_nul_byte_is_not_found(client, django_user_model, method, url):
    """On PostgreSQL, which refuses NUL bytes in a query, these were server errors."""
    client.force_login(django_user_model.objects.create_user(email="ada@example.com"))

    response = getattr(client, method)(url)

    assert response.status_code == 404
