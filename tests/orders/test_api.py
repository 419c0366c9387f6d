"""The orders API as a customer's client sees it, under /api/v1/orders/."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shop.orders.models import Order
from shop.orders.services import lifecycle, refunds, shipping
from tests.conftest import AllQueries

from .factories import make_order

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def detail(order) -> str:
    return f"{ORDERS}{order.number}/"


@pytest.fixture
def api(ada):
    client = APIClient()
    client.force_authenticate(ada)
    return client


def test_anonymous_callers_get_401(ada):
    order = make_order(user_id=ada.pk)
    anonymous = APIClient()

    for response in (
        anonymous.get(ORDERS),
        anonymous.get(detail(order)),
        anonymous.post(f"{detail(order)}cancel/"),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_the_list_shows_only_the_callers_orders_newest_first(api, ada, bob):
    older = make_order(user_id=ada.pk)
    newer = make_order(user_id=ada.pk)
    make_order(user_id=bob.pk)

    body = api.get(ORDERS).json()

    assert body["count"] == 2
    assert [item["number"] for item in body["results"]] == [newer.number, older.number]
    item = body["results"][0]
    assert item["status"] == "paid" and item["total"] == "44.70" and item["can_cancel"] is True
    assert item["lines"][0]["sku"] == "TEE-M" and item["lines"][0]["line_total"] == "39.80"
    assert item["url"].endswith(detail(newer))
    assert "shipping_address" not in item


def queries_for_page(api, page_size: int) -> int:
    with AllQueries() as queries:
        response = api.get(ORDERS, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(queries)


def test_the_list_costs_the_same_queries_for_1_or_30_orders(
    api, ada, django_assert_max_num_queries
):
    make_order(user_id=ada.pk)
    one = queries_for_page(api, 1)
    for _ in range(29):
        order = make_order(user_id=ada.pk, lines=[("TEE-M", 1, "19.90"), ("MUG", 2, "8.00")])
        shipping.book_shipment(order.number)

    thirty = queries_for_page(api, 30)

    assert thirty == one
    with django_assert_max_num_queries(one):
        api.get(ORDERS, {"page_size": 30})


def test_an_order_shows_address_tracking_and_history(api, ada):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor="staff:2")

    body = api.get(detail(order)).json()

    assert body["number"] == order.number
    assert body["status"] == "shipped" and body["can_cancel"] is False
    assert (body["subtotal"], body["shipping_cost"], body["total"]) == ("39.80", "4.90", "44.70")
    assert body["shipping_address"]["postal_code"] == "SW1Y 4JH"
    assert body["shipment"]["tracking_number"].startswith("DP")
    assert [(entry["status"], entry["by"]) for entry in body["history"]] == [
        ("paid", "automatic"),
        ("shipped", "us"),
    ]


def test_another_customers_order_is_404_for_reading_and_cancelling(api, bob):
    bobs = make_order(user_id=bob.pk)

    for response in (api.get(detail(bobs)), api.post(f"{detail(bobs)}cancel/")):
        assert response.status_code == 404
        assert response.json()["code"] == "order_not_found"
    assert Order.objects.get(pk=bobs.pk).status == "paid"
    assert api.get(f"{ORDERS}NOPE-0000/").json()["code"] == "order_not_found"


def test_cancelling_an_unshipped_order_then_once_shipped(api, ada):
    order = make_order(user_id=ada.pk)

    response = api.post(f"{detail(order)}cancel/", {"reason": "Wrong size"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["can_cancel"] is False
    assert body["history"][-1] == {
        "at": body["history"][-1]["at"],
        "kind": "status",
        "status": "cancelled",
        "by": "you",
        "note": "Wrong size",
    }

    shipped = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(shipped.number, actor="staff:2")
    refused = api.post(f"{detail(shipped)}cancel/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert refused.json()["status"] == "shipped"

    again = api.post(f"{detail(order)}cancel/")
    assert again.status_code == 409


def test_a_too_long_reason_is_a_400_with_the_field_named(api, ada):
    order = make_order(user_id=ada.pk)

    response = api.post(f"{detail(order)}cancel/", {"reason": "x" * 501}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "reason" in response.json()
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_refunded_amount_shows_in_the_api(api, ada, gateway, deliver):
    order = make_order(user_id=ada.pk)
    refunds.refund_order(order.number, "4.70", actor="staff:1", key="goodwill")
    deliver()

    body = api.get(detail(order)).json()

    assert Decimal(body["refunded_amount"]) == Decimal("4.70")
    assert body["status"] == "paid"
    refund = body["history"][-1]
    assert (refund["kind"], refund["status"], refund["by"]) == ("refund", "paid", "automatic")
    assert "€4.70 refunded" in refund["note"]


def test_the_schema_documents_the_orders_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    paths = schema["paths"]
    assert {"get"} <= set(paths["/api/v1/orders/"])
    assert {"get"} <= set(paths["/api/v1/orders/{number}/"])
    cancel = paths["/api/v1/orders/{number}/cancel/"]["post"]
    assert {"200", "404", "409"} <= set(cancel["responses"])
    assert "OrderStatusEnum" in schema["components"]["schemas"]
