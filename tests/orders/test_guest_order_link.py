"""
A guest's order opens from the keyed link in its emails (decision 0023): the
order and nothing more, a wrong key is a 404, and an unshipped order can be
cancelled from there, on the page and through the API.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shop.orders import guests, notifications
from shop.orders.actors import GUEST
from shop.orders.models import Order
from shop.orders.services import lifecycle

from .factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_order():
    return make_order(user_id=None, email="grace@example.com", cart_key="cart-key-1")


def test_the_link_opens_the_order_without_signing_in(guest_order, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = Client().get(guests.order_path(guest_order.number))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Order {guest_order.number}" in html
    assert "All your orders" not in html  # no account navigation, no other orders
    assert 'href="/orders/"' not in html
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"  # the key never leaves for other sites


def test_a_wrong_or_missing_key_is_a_404(guest_order):
    wrong = "0" * 32
    assert Client().get(f"/orders/guest/{guest_order.number}/{wrong}/").status_code == 404
    assert (
        Client().get(f"/orders/guest/NOPE-NOPE/{guests.order_key('NOPE-NOPE')}/").status_code == 404
    )
    # The key of another order opens nothing either.
    other = make_order(user_id=None, email="x@example.com")
    key = guests.order_key(other.number)
    assert Client().get(f"/orders/guest/{guest_order.number}/{key}/").status_code == 404
    # Nor does the account's page, without an account.
    assert Client().get(f"/orders/{guest_order.number}/").status_code == 302


def test_cancelling_an_unshipped_order_from_the_link(guest_order):
    browser = Client(enforce_csrf_checks=True)
    path = guests.order_path(guest_order.number)
    page = browser.get(path)
    assert f'action="{path}cancel/"' in page.content.decode()
    token = browser.cookies["csrftoken"].value
    assert browser.post(f"{path}cancel/", {"reason": "Too late"}).status_code == 403  # no token
    done = browser.post(f"{path}cancel/", {"reason": "Too late", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and done["Location"] == path
    guest_order.refresh_from_db()
    assert guest_order.status == Order.Status.CANCELLED
    change = guest_order.status_changes.get(to_status="cancelled")
    assert (change.actor, change.note) == (GUEST, "Too late")
    assert "by you" in browser.get(path).content.decode()


def test_a_shipped_order_cannot_be_cancelled_from_the_link(guest_order):
    lifecycle.mark_shipped(guest_order.number, actor="staff:1", tracking_number="T1")
    path = guests.order_path(guest_order.number)
    assert "Cancel this order" not in Client().get(path).content.decode()
    Client().post(f"{path}cancel/", {})
    guest_order.refresh_from_db()
    assert guest_order.status == Order.Status.SHIPPED


def test_the_api_shows_and_cancels_a_guest_order_by_its_key(guest_order):
    api = APIClient()
    url = f"/api/v1/orders/guest/{guest_order.number}/"
    key = guests.order_key(guest_order.number)
    assert api.get(url, {"key": "0" * 32}).status_code == 404
    assert api.get(url).status_code == 404
    shown = api.get(url, {"key": key})
    assert (shown.status_code, shown.json()["number"]) == (200, guest_order.number)
    wrong = api.post(f"{url}cancel/?key={'0' * 32}", {"reason": "x"}, format="json")
    assert wrong.status_code == 404
    cancelled = api.post(f"{url}cancel/?key={key}", {"reason": "x"}, format="json")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    again = api.post(f"{url}cancel/?key={key}", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_emails_of_a_guest_order_carry_its_link(guest_order):
    for kind in (notifications.PLACED, notifications.CANCELLED):
        message = notifications.build_message(guest_order, kind)
        assert guests.order_link(guest_order.number) in message.body
        assert guests.order_link(guest_order.number) in message.alternatives[0][0]


def test_staff_see_guest_orders_marked_and_can_filter_them(admin_client, guest_order):
    customers = make_order(user_id=4242, email="ada@example.com")
    changelist = "/admin/orders/order/"

    def listed(response):
        return [order.number for order in response.context["cl"].result_list]

    assert listed(admin_client.get(changelist, {"guest": "yes"})) == [guest_order.number]
    assert listed(admin_client.get(changelist, {"guest": "no"})) == [customers.number]
    detail = admin_client.get(f"{changelist}{guest_order.pk}/change/")
    assert "Guest (no account)" in detail.content.decode()
