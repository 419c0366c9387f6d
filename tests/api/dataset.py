"""
A small shop for the API fuzzer: the catalog of the OpenAPI examples
(``organic-cotton-tee`` with ``TEE-M-BLUE``...), a customer with a confirmed
email, an address, a cart, a checkout awaiting payment and an order, an
anonymous cart behind an ``X-Cart-Token``, a catalog manager, and two gift
cards: the API examples' (10.00, so a checkout it pays part of awaits its
payment and leaves the cart) and one that pays any checkout in full.

``build_shop()`` returns the values the fuzzer mixes into its requests, so
that path parameters, headers, query and body fields sometimes name things
that exist instead of always being random.
"""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from rest_framework.test import APIClient

from shop.accounts.roles import CATALOG_MANAGERS, sync_roles
from shop.accounts.services import addresses as accounts
from shop.cart import services as cart
from shop.cart.tokens import issue_token, token_key
from shop.orders import guests, invoicing
from shop.orders.checkout.starting import start_checkout
from shop.orders.models import Order
from shop.promotions import public as promotions
from shop.promotions.models import GiftCard
from tests.catalog.factories import make_category, make_product
from tests.orders.factories import make_order

PASSWORD = "Difference-Engine-1822"
CUSTOMER_EMAIL = "ada@example.com"
STAFF_EMAIL = "erp@example.com"
# The order number and gift card code of the API's examples.
ORDER_NUMBER = "7K3Q-XM2P"
GIFT_CARD_CODE = "K7QM-R3XP-W9TD-HF4C"
ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def _confirmed_user(email: str, **fields):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _checkout(customer, sku: str, address_id: int):
    """A checkout of one ``sku`` by ``customer``, awaiting payment on the test gateway."""
    cart.add_item(cart.Owner(user_id=customer.pk), sku, 1)
    return start_checkout(
        user_id=customer.pk,
        shipping_method="standard",
        address_id=address_id,
        return_url="http://localhost/checkout/",
    ).checkout


def _paid_order(customer, sku: str, address_id: int) -> Order:
    """An order placed by the checkout saga: paid on the test gateway through the API."""
    checkout = _checkout(customer, sku, address_id)
    client = APIClient()
    client.force_authenticate(customer)
    paid = client.post(f"/api/v1{checkout.payment_redirect_url}", {"outcome": "succeeded"})
    assert paid.status_code == 202, paid.content
    return Order.objects.get(checkout_id=checkout.pk)


def build_shop() -> dict[str, list]:
    """
    The shop; returns the values that exist, by the name of the parameter,
    header or body field that takes them.
    """
    clothing = make_category("Clothing", slug="clothing")
    tees = make_category("T-shirts", parent=clothing, slug="t-shirts")
    tee = make_product(
        "Organic cotton tee",
        slug="organic-cotton-tee",
        category=tees,
        variants=[
            {"sku": "TEE-M-BLUE", "price": "19.90", "stock_on_hand": 40, "options": {"size": "M"}},
            {"sku": "TEE-L-BLUE", "price": "19.90", "stock_on_hand": 2, "options": {"size": "L"}},
        ],
    )
    make_product("Canvas tote", slug="canvas-tote", category=clothing, price="12.00", stock=0)

    customer = _confirmed_user(CUSTOMER_EMAIL, first_name="Ada")
    staff = _confirmed_user(STAFF_EMAIL, is_staff=True)
    # A flush between transactional tests drops the groups the migration made.
    sync_roles(Group, Permission, create_missing=True)
    staff.groups.add(Group.objects.get(name=CATALOG_MANAGERS))

    address = accounts.add_address(customer.pk, **ADDRESS)
    order = _paid_order(customer, "TEE-M-BLUE", address.pk)
    Order.objects.filter(pk=order.pk).update(number=ORDER_NUMBER)
    checkout = _checkout(customer, "TEE-L-BLUE", address.pk)
    customer_line = cart.add_item(cart.Owner(user_id=customer.pk), "TEE-M-BLUE", 1).line

    anonymous_token = issue_token()
    anonymous_line = cart.add_item(
        cart.Owner(token_key=token_key(anonymous_token)), "TEE-M-BLUE", 2
    ).line

    guest_order = make_order(
        user_id=None, email="grace@example.com", cart_key=token_key(anonymous_token)
    )
    documents = [invoicing.issue_invoice(number) for number in (ORDER_NUMBER, guest_order.number)]
    # Enough for every checkout the fuzzer starts to have some of it held.
    gift_card = promotions.issue_gift_card("dataset", Decimal("5000.00"))
    # The card of the API's examples pays part of a checkout (the rest is a
    # payment), so the schema's explicit example leaves the cart for the next.
    example_card = promotions.issue_gift_card("dataset:example", Decimal("10.00"))
    GiftCard.objects.filter(code=example_card.code).update(code=GIFT_CARD_CODE)

    return {
        "slug": [tee.slug, "canvas-tote"],
        "category": [clothing.slug, tees.slug],
        "sku": ["TEE-M-BLUE", "TEE-L-BLUE"],
        "line_id": [customer_line.pk, anonymous_line.pk],
        "X-Cart-Token": [anonymous_token],
        "address_id": [address.pk],
        "checkout_id": [str(checkout.pk), str(order.checkout_id)],
        "payment_id": [checkout.payment_id],
        "number": [ORDER_NUMBER, guest_order.number],
        "key": [guests.order_key(guest_order.number)],
        "document": [document.number for document in documents],
        "country": ["DE", "GB", "BR"],
        "quantity": [1, 2],
        "shipping_method": ["standard", "express"],
        "outcome": ["succeeded", "failed"],
        "code": [GIFT_CARD_CODE, gift_card.code],
        "gift_card_code": [GIFT_CARD_CODE, gift_card.code],
    }


def access_token(email: str, password: str = PASSWORD) -> str:
    """A JWT access token, got as an API client gets one: from allauth's login endpoint."""
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["access_token"]
