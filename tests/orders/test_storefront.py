"""The customer's order pages: history, one order, and cancelling it while unshipped."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shop.orders.models import Order
from shop.orders.services import lifecycle

from .factories import make_order

pytestmark = pytest.mark.django_db


def url(order) -> str:
    return f"/orders/{order.number}/"


def test_order_pages_need_a_signed_in_customer(ada, client):
    order = make_order(user_id=ada.pk)

    for path in ("/orders/", url(order)):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_history_lists_the_customers_orders_newest_first_and_pages_them(ada, bob, ada_client):
    now = timezone.now()
    numbers = [
        make_order(user_id=ada.pk, placed_at=now - timedelta(days=day)).number for day in range(12)
    ]
    make_order(user_id=bob.pk)

    first = ada_client.get("/orders/")
    second = ada_client.get("/orders/", {"page": 2})

    listed = [order.number for order in first.context["orders"]]
    assert listed == numbers[:10]
    assert [order.number for order in second.context["orders"]] == numbers[10:]
    page = first.content.decode()
    assert "Product TEE-M" in page and "€44.70" in page
    assert 'rel="next"' in page


def test_an_empty_history_points_to_the_shop(ada_client):
    page = ada_client.get("/orders/").content.decode()

    assert "You have not ordered anything yet." in page


def test_an_order_page_shows_lines_totals_address_history_and_tracking(ada, ada_client):
    order = make_order(user_id=ada.pk, lines=[("TEE-M", 2, "19.90")])
    lifecycle.mark_shipped(order.number, actor="staff:3", tracking_number="TRACK-1")

    page = ada_client.get(url(order)).content.decode()

    for text in ("Product TEE-M", "M / Blue", "€19.90", "€39.80", "€4.90", "€44.70"):
        assert text in page
    assert "12 St James&#x27;s Square" in page and "United Kingdom" in page
    assert "TRACK-1" in page
    assert "Shipped" in page and "by us" in page
    assert "Cancel this order" not in page


def test_another_customers_order_is_not_found(ada, bob, ada_client):
    bobs = make_order(user_id=bob.pk)

    assert ada_client.get(url(bobs)).status_code == 404
    assert ada_client.post(f"{url(bobs)}cancel/").status_code == 404
    assert ada_client.get("/orders/NOPE-0000/").status_code == 404
    assert Order.objects.get(pk=bobs.pk).status == "paid"


def test_cancelling_from_the_order_page(ada, ada_client):
    order = make_order(user_id=ada.pk)
    page = ada_client.get(url(order)).content.decode()
    assert "Cancel this order" in page and "csrfmiddlewaretoken" in page

    response = ada_client.post(f"{url(order)}cancel/", {"reason": "Too slow"}, follow=True)

    assert response.redirect_chain[-1][0] == url(order)
    page = response.content.decode()
    assert "has been cancelled" in page
    assert "Too slow" in page and "by you" in page
    assert "Cancel this order" not in page
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_cancelling_needs_the_csrf_token(ada):
    order = make_order(user_id=ada.pk)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ada)

    assert browser.post(f"{url(order)}cancel/").status_code == 403
    assert browser.get(f"{url(order)}cancel/").status_code == 405
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_cancelling_a_shipped_order_explains_why_not(ada, ada_client):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor="staff:3")

    response = ada_client.post(f"{url(order)}cancel/", follow=True)

    assert "it cannot be cancelled" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_a_too_long_reason_is_shown_as_a_form_error(ada, ada_client):
    order = make_order(user_id=ada.pk)

    response = ada_client.post(f"{url(order)}cancel/", {"reason": "x" * 501})

    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "paid"
