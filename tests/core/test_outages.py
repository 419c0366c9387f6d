"""
What customers and API clients get while Redis or PostgreSQL is away: the
shop goes on without its cache, and a database it cannot reach is a 503 to
try again, not a server error. ``bench/faults.py`` does both to a running
stack under load.
"""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings
from rest_framework.test import APIClient

from shop.accounts.models import User
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "shop.core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def raincoat():
    return make_product(
        "Raincoat",
        category=make_category("Outerwear", slug="outerwear"),
        variants=[{"sku": "COAT-M", "price": "80.00", "stock_on_hand": 3}],
    )


@pytest.fixture
def database_gone(monkeypatch):
    """Every query fails as PostgreSQL's do when it restarts under a connection."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    return lambda: monkeypatch.setattr(CursorWrapper, "execute", refuse)


def test_pages_carts_and_sign_ins_work_while_redis_is_unreachable(client, raincoat):
    customer = User.objects.create_user(email="ada@example.com", password="x")

    with override_settings(CACHES=UNREACHABLE_REDIS):
        page = client.get("/c/outerwear/")
        product = client.get(f"/p/{raincoat.slug}/")
        api = APIClient().get("/api/v1/catalog/products/")
        added = APIClient().post("/api/v1/cart/items/", {"sku": "COAT-M", "quantity": 1})
        client.force_login(customer)
        orders = client.get("/orders/")
        ready = client.get("/readyz")

    assert page.status_code == 200 and "Raincoat" in page.content.decode()
    assert product.status_code == 200
    assert [item["name"] for item in api.json()["results"]] == ["Raincoat"]
    assert added.status_code == 201 and added.headers["X-Cart-Token"]
    assert orders.status_code == 200
    assert ready.status_code == 503 and ready.json()["failed"] == ["cache"]


def test_an_api_call_while_the_database_is_away_is_a_503_to_retry(raincoat, database_gone):
    api = APIClient(raise_request_exception=False)
    database_gone()

    response = api.get("/api/v1/catalog/products/")

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_page_while_the_database_is_away_says_the_shop_is_back_in_a_moment(
    client, raincoat, database_gone
):
    client.raise_request_exception = False
    database_gone()

    response = client.get(f"/p/{raincoat.slug}/")

    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()
    assert response["Retry-After"]


def test_an_unexpected_api_failure_is_a_500_in_the_api_error_shape(monkeypatch):
    from shop.catalog.api import views

    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.ProductListView, "get", fail)
    response = APIClient(raise_request_exception=False).get("/api/v1/catalog/products/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "The shop could not finish the request.",
        "code": "server_error",
    }
