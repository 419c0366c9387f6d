"""The storefront shell, the API's entry points and the health probes."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework import exceptions

from shop.cart.models import OutboxMessage as CartOutbox
from shop.core.api.exceptions import exception_handler
from shop.core.errors import Conflict
from shop.orders.models import OutboxMessage as OrdersOutbox

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_shop_in_its_layout(client, settings):
    settings.SHOP_NAME = "Corner Shop"

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Corner Shop</title>" in html
    assert 'href="/static/shop/css/shop.css"' in html
    assert finders.find("shop/css/shop.css")


def test_unknown_page_is_a_friendly_404_in_the_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Back to the shop" in response.content.decode()


def test_api_root_links_to_the_schema_and_the_docs(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json()["schema"].endswith("/api/schema/")
    assert response.json()["docs"].endswith("/api/docs/")


def test_openapi_schema_is_served_and_validates(client, tmp_path):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yml")


def test_api_docs_load_swagger_ui_from_the_shop_not_a_cdn(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not any(cdn in html for cdn in ("jsdelivr", "unpkg", "cdnjs"))
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_shop_errors_become_a_4xx_with_a_stable_code():
    response = exception_handler(Conflict("Only 2 left.", code="out_of_stock", available=2), {})

    assert response.status_code == 409
    assert response.data == {"detail": "Only 2 left.", "code": "out_of_stock", "available": 2}


def test_framework_errors_carry_a_code_and_validation_errors_stay_per_field():
    not_found = exception_handler(exceptions.NotFound(), {})
    invalid = exception_handler(exceptions.ValidationError({"quantity": ["Too many."]}), {})

    assert not_found.data["code"] == "not_found"
    assert invalid.status_code == 400
    assert invalid.data == {"quantity": ["Too many."]}


def test_liveness_answers_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_every_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["failed"] == []
    assert set(response.json()["checks"]) == {"database", "cache", "broker"}


def test_readiness_counts_the_events_parked_for_staff_without_failing(client):
    assert client.get("/readyz").json()["parked_events"] == 0
    for model, parked in ((CartOutbox, 2), (OrdersOutbox, 1)):
        for _ in range(parked):
            model.objects.create(event_name="cart.Any", payload={}, parked_at=timezone.now())
    OrdersOutbox.objects.create(event_name="orders.Any", payload={})  # waiting, not parked

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["parked_events"] == 3
    assert response.json()["parked_by_service"] == {"cart": 2, "orders": 1}


def test_readiness_is_503_naming_an_unreachable_broker(client, broker_unreachable):
    with broker_unreachable():
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_readiness_is_503_naming_an_unreachable_cache(client):
    dead_cache = {
        "default": {
            "BACKEND": "shop.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead_cache):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_an_api_url_that_matches_nothing_answers_in_the_api_error_shape(client, settings):
    settings.DEBUG = False

    response = client.get("/api/v1/accounts/addresses/abc/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_favicon_ico_leads_to_the_shop_icon_on_pages_without_a_link_to_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
    assert finders.find("shop/favicon.svg")
