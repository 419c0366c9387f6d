"""The staff API for endpoints: who may, what it answers, and refusals with stable codes."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from shop.webhooks.models import Endpoint

pytestmark = pytest.mark.django_db
ENDPOINTS = "/api/v1/webhooks/endpoints/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user(
        email="ops@example.com", password="pw-for-tests-1", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="webhooks", codename__endswith="endpoint"
        )
    )
    return client_for(user)


def test_staff_with_the_permissions_register_an_endpoint_and_see_its_secret_once(staff, receiver):
    made = staff.post(ENDPOINTS, {"url": receiver.url, "event_types": ["order.placed"]})

    assert made.status_code == 201, made.content
    assert made.json()["secret"].startswith("whsec_")
    read = staff.get(f"{ENDPOINTS}{made.json()['id']}/").json()
    assert "secret" not in read and read["event_types"] == ["order.placed"]
    assert "secret" not in staff.get(ENDPOINTS).json()["results"][0]


def test_rotating_the_secret_shows_the_new_one(staff, endpoint):
    rotated = staff.post(f"{ENDPOINTS}{endpoint.pk}/rotate-secret/")

    assert rotated.status_code == 200
    assert (
        rotated.json()["secret"] == Endpoint.objects.get(pk=endpoint.pk).secret != endpoint.secret
    )


def test_staff_change_and_delete_an_endpoint(staff, endpoint):
    changed = staff.patch(f"{ENDPOINTS}{endpoint.pk}/", {"enabled": False}, format="json")
    assert changed.status_code == 200 and changed.json()["enabled"] is False

    assert staff.delete(f"{ENDPOINTS}{endpoint.pk}/").status_code == 204
    assert staff.get(f"{ENDPOINTS}{endpoint.pk}/").status_code == 404


def test_anonymous_visitors_customers_and_staff_without_the_permission_are_refused(
    django_user_model, endpoint
):
    customer = django_user_model.objects.create_user(email="c@example.com", password="pw-x-1234")
    plain_staff = django_user_model.objects.create_user(
        email="s@example.com", password="pw-x-1234", is_staff=True
    )

    assert client_for().get(ENDPOINTS).status_code in (401, 403)
    assert client_for().post(ENDPOINTS, {}).status_code in (401, 403)
    assert client_for(customer).get(ENDPOINTS).status_code == 403
    assert client_for(customer).get(f"{ENDPOINTS}{endpoint.pk}/").status_code in (403, 404)
    assert (
        client_for(plain_staff).post(f"{ENDPOINTS}{endpoint.pk}/rotate-secret/").status_code == 403
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"url": "https://10.0.0.1/", "event_types": ["order.placed"]},
            "webhook_url_forbidden_address",
        ),
        (
            {"url": "https://169.254.169.254/", "event_types": ["order.placed"]},
            "webhook_url_forbidden_address",
        ),
        (
            {"url": "http://93.184.215.14/", "event_types": ["order.placed"]},
            "webhook_url_not_https",
        ),
        ({"url": "https://93.184.215.14/", "event_types": ["order.paid"]}, "unknown_event_type"),
        ({"url": "https://93.184.215.14/", "event_types": []}, "invalid"),
        ({"url": "not a url", "event_types": ["order.placed"]}, "invalid"),
    ],
)
def test_bad_input_is_400_with_a_stable_code(staff, body, code):
    refused = staff.post(ENDPOINTS, body, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == code
    assert not Endpoint.objects.exists()
