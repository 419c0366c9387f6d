"""
A gift card in the checkout saga (issue 17, decision 0030): checked before
anything is held, ``min(balance, total)`` held beside the stock, a payment
for the rest (none when the card pays everything), committed with the order,
released with the stock on a decline or expiry; refunds go back to the card
first.
"""

from decimal import Decimal

import pytest

from shop.orders.models import Checkout, Order
from shop.orders.services.refunds import refund_cancelled_order, refund_order
from shop.promotions import public as promotions
from shop.promotions.models import GiftCardEntry
from tests.conftest import wait_for
from tests.orders.test_checkout import (
    api_for,
    available,
    expire_checkout,
    fill_cart,
    make_buyer,
    pay,
    start,
    status_of,
)
from tests.promotions.factories import gift_card

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture
def tee():
    from tests.catalog.factories import make_product

    return make_product("Tee", price="20.00", stock=5).variants.get().sku


@pytest.fixture
def api():
    return api_for(make_buyer())


def balance(card) -> Decimal:
    return promotions.check_gift_card(card.code).balance


def test_a_card_that_covers_everything_places_the_order_at_once_without_a_payment(api, tee):
    card = gift_card("50.00")
    fill_cart(api, tee)  # 20.00 + 4.90 delivery

    started = start(api, gift_card_code=card.code.lower())

    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "completed" and body["payment"] is None and body["order_number"]
    assert body["gift_card"] == {
        "masked_code": f"••••{card.code[-4:]}",
        "amount": "24.90",
        "card_payment": "0.00",
    }
    order = Order.objects.get()
    assert (order.total, order.gift_card_amount, order.card_payment) == (
        D("24.90"),
        D("24.90"),
        D("0.00"),
    )
    assert order.subtotal == D("20.00")  # a means of payment, not a discount
    assert balance(card) == D("25.10") and available(tee) == 4
    assert GiftCardEntry.objects.get(key=order.checkout.reservation_key).status == "committed"


def test_a_card_that_covers_part_leaves_a_payment_for_the_rest(api, tee):
    card = gift_card("10.00")
    fill_cart(api, tee)

    body = start(api, gift_card_code=card.code).json()

    assert body["status"] == "awaiting_payment" and body["gift_card"]["amount"] == "10.00"
    from shop.payments import public as payments

    payment = payments.get_payment(Checkout.objects.get().payment_id)
    assert payment.amount == D("14.90")
    assert balance(card) == D("0.00")  # held

    pay(api, body)

    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    order = Order.objects.get()
    assert (order.gift_card_amount, order.card_payment) == (D("10.00"), D("14.90"))
    assert GiftCardEntry.objects.get(key=order.checkout.reservation_key).status == "committed"


def test_the_card_holds_less_when_the_rest_would_be_below_the_minimum_charge(api, tee, settings):
    settings.ORDERS_MINIMUM_CHARGE = "0.50"
    card = gift_card("24.70")
    fill_cart(api, tee)

    body = start(api, gift_card_code=card.code).json()

    assert body["gift_card"]["amount"] == "24.40" and body["gift_card"]["card_payment"] == "0.50"


def test_a_declined_payment_gives_the_card_its_money_back(api, tee):
    card = gift_card("10.00")
    fill_cart(api, tee)
    body = start(api, gift_card_code=card.code).json()

    pay(api, body, outcome="failed")

    assert wait_for(lambda: status_of(api, body["id"])["status"] == "failed")
    assert balance(card) == D("10.00") and available(tee) == 5


def test_an_expired_checkout_gives_the_card_its_money_back(api, tee):
    card = gift_card("10.00")
    fill_cart(api, tee)
    body = start(api, gift_card_code=card.code).json()

    expire_checkout(body["id"])

    assert balance(card) == D("10.00")


def test_a_new_checkout_replacing_one_gives_the_first_ones_hold_back(api, tee):
    card = gift_card("20.00")
    fill_cart(api, tee)
    start(api, key="first", gift_card_code=card.code)
    fill_cart(api, tee)  # the cart changes: 40.00 + delivery

    body = start(api, key="second", gift_card_code=card.code).json()

    assert body["gift_card"]["amount"] == "20.00"
    assert balance(card) == D("0.00")
    assert GiftCardEntry.objects.filter(status="held").count() == 1


@pytest.mark.parametrize(
    ("code", "status", "refusal"),
    [("AAAA-BBBB-CCCC-DDDD", 422, "gift_card_unknown"), ("spent", 409, "gift_card_empty")],
)
def test_a_card_that_cannot_pay_is_refused_before_anything_is_held(api, tee, code, status, refusal):
    if code == "spent":
        spent = gift_card("5.00")
        promotions.reserve_gift_card("elsewhere", spent.code, D("5.00"), promotions_ttl())
        code = spent.code
    fill_cart(api, tee)

    refused = start(api, gift_card_code=code)

    assert refused.status_code == status and refused.json()["code"] == refusal
    assert not Checkout.objects.exists() and available(tee) == 5


def promotions_ttl():
    from datetime import timedelta

    return timedelta(minutes=15)


def paid_order(api, tee, card_amount) -> Order:
    card = gift_card(card_amount)
    fill_cart(api, tee)
    body = start(api, gift_card_code=card.code).json()
    if body["status"] != "completed":
        pay(api, body)
    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    return Order.objects.get(), card


def test_a_partial_refund_on_a_card_paid_order_goes_back_to_the_card(api, tee, deliver):
    order, card = paid_order(api, tee, "100.00")
    assert balance(card) == D("75.10")

    refund_order(order.number, "5.00", actor="staff", key="r1")

    order.refresh_from_db()
    assert balance(card) == D("80.10")
    assert (order.refunded_amount, order.gift_card_refunded) == (D("5.00"), D("5.00"))
    request = order.refund_requests.get()
    assert request.to_gift_card and request.status == "succeeded"
    assert order.status == "paid"


def test_a_refund_of_an_order_paid_in_part_by_card_goes_to_the_card_first(api, tee, deliver):
    order, card = paid_order(api, tee, "10.00")

    refund_order(order.number, "15.00", actor="staff", key="r1")

    assert wait_for(lambda: Order.objects.get().refunded_amount == D("15.00"))
    order.refresh_from_db()
    assert balance(card) == D("10.00") and order.gift_card_refunded == D("10.00")
    on_card, by_payment = order.refund_requests.order_by("id")
    assert (on_card.to_gift_card, on_card.amount) == (True, D("10.00"))
    assert (by_payment.to_gift_card, by_payment.amount) == (False, D("5.00"))


def test_refunding_the_same_key_twice_gives_back_once(api, tee):
    order, card = paid_order(api, tee, "100.00")

    refund_order(order.number, "5.00", actor="staff", key="r1")
    refund_order(order.number, "5.00", actor="staff", key="r1")

    assert balance(card) == D("80.10")


def test_cancelling_a_card_paid_order_puts_everything_back_on_the_card(api, tee):
    order, card = paid_order(api, tee, "100.00")

    refund_cancelled_order(order.number)

    order.refresh_from_db()
    assert balance(card) == D("100.00") and order.refunded_amount == order.total


# --- shown everywhere -----------------------------------------------------------------


@pytest.fixture
def split_order(tee):
    """24.90 paid 10.00 by gift card and 14.90 by card; the buyer and the card."""
    buyer = make_buyer("grace@example.com")
    order, card = paid_order(api_for(buyer), tee, "10.00")
    return order, card, buyer


def test_the_order_page_and_api_show_what_the_card_paid(client, split_order):
    from tests.api.contract import assert_documented

    order, card, buyer = split_order
    masked = f"••••{card.code[-4:]}"
    client.force_login(buyer)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f"Paid with gift card {masked}" in page and "Paid by card" in page
    assert card.code not in page

    response = api_for(buyer).get(f"/api/v1/orders/{order.number}/")
    assert_documented(response, "get", "/api/v1/orders/{number}/")
    assert response.json()["gift_card"] == {
        "masked_code": masked,
        "amount": "10.00",
        "card_payment": "14.90",
    }


def test_the_confirmation_email_says_how_it_was_paid(split_order):
    from shop.orders.notifications import build_message

    order, card, _buyer = split_order
    message = build_message(order, "placed")

    assert f"Paid with gift card ••••{card.code[-4:]}: €10.00" in message.body
    assert "Paid by card: €14.90" in message.body
    assert "Paid by card" in message.alternatives[0][0]


def test_an_order_the_card_paid_in_full_says_nothing_was_paid_by_card(client, tee):
    from shop.orders.notifications import build_message

    buyer = make_buyer("grace@example.com")
    api = api_for(buyer)
    card = gift_card("50.00")
    fill_cart(api, tee)
    body = start(api, gift_card_code=card.code).json()
    order = Order.objects.get()
    client.force_login(buyer)

    status_page = client.get(f"/checkout/{body['id']}/").content.decode()
    order_page = client.get(f"/orders/{order.number}/").content.decode()
    message = build_message(order, "placed")

    assert "Paid with gift card" in status_page and "To pay by card" not in status_page
    assert "Paid with gift card" in order_page and "Paid by card" not in order_page
    assert f"Paid with gift card ••••{card.code[-4:]}: €24.90" in message.body
    assert "Paid by card" not in message.body
    assert "Paid by card" not in message.alternatives[0][0]


def test_the_export_has_the_gift_card_columns(split_order):
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_orders", "--since", "2000-01-01", stdout=out)

    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["order_gift_card_amount"], row["order_card_payment"]) == ("10.00", "14.90")
    assert row["order_gift_card_code"].endswith(split_order[1].code[-4:])


def test_the_invoice_keeps_its_total_and_names_the_gift_card_as_payment(settings, split_order):
    from shop.invoices import public as invoices
    from shop.orders import invoicing
    from tests.invoices.pdftext import pdf_text

    order, card, _buyer = split_order
    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg"]
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"

    invoice = invoicing.issue_invoice(order.number)

    text = pdf_text(invoices.document_pdf(invoice.number).content)
    assert invoice.gross == D("24.90")
    assert f"Paid with gift card ••••{card.code[-4:]}: €10.00" in text
    assert "Paid with card: €14.90" in text


def checkout_in_the_browser(sku, code, **options):
    """Hedy buys ``sku`` through /checkout/'s form, paying with the gift card ``code``."""
    import re

    from django.test import Client

    browser = Client()
    browser.force_login(make_buyer("hedy@example.com"))
    browser.post("/cart/add/", {"sku": sku})
    page = browser.get("/checkout/").content.decode()
    assert 'name="gift_card_code"' in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    address = re.search(r'name="address" value="(\d+)"', page)[1]
    form = {"address": address, "shipping_method": "standard", "idempotency_key": key}
    return browser.post("/checkout/", {**form, "gift_card_code": code}, **options)


def test_the_storefront_checkout_takes_a_gift_card_without_javascript(tee):
    card = gift_card("50.00")

    done = checkout_in_the_browser(tee, card.code, follow=True)

    assert "Paid with gift card" in done.content.decode()
    assert Order.objects.get().gift_card_amount == D("24.90")


def test_the_checkout_page_shows_the_carts_voucher_and_its_saving(tee):
    from django.test import Client

    from shop.promotions.models import Voucher

    Voucher.objects.create(code="SAVE10", kind="percent", value=D("10"))
    buyer = make_buyer("ida@example.com")
    client = api_for(buyer)
    fill_cart(client, tee)
    client.post("/api/v1/cart/voucher/", {"code": "save10"}, format="json")
    browser = Client()
    browser.force_login(buyer)

    page = browser.get("/checkout/").content.decode()

    assert "Voucher SAVE10" in page and "\u2212€2.00" in page
    assert "Change the voucher in your cart" in page


@pytest.fixture
def card_variant():
    from tests.catalog.factories import make_product

    product = make_product("Gift card", price="25.00", stock=100, variants=[{"gift_card": True}])
    return product.variants.get().sku


def test_paying_for_a_gift_card_with_a_gift_card_is_refused_and_nothing_is_held(
    api, tee, card_variant
):
    card = gift_card("100.00")
    fill_cart(api, tee)
    fill_cart(api, card_variant)

    refused = start(api, gift_card_code=card.code)

    assert refused.status_code == 422
    assert refused.json()["code"] == "gift_card_for_gift_card"
    assert not Checkout.objects.exists() and available(card_variant) == 100
    assert balance(card) == D("100.00")


def test_a_card_bought_in_the_shop_pays_at_checkout(api, tee, card_variant):
    from shop.orders.models import BoughtGiftCard

    fill_cart(api, card_variant)
    body = start(api).json()
    pay(api, body)
    assert wait_for(lambda: BoughtGiftCard.objects.exists())
    assert Order.objects.get().lines.get().gift_card
    code = BoughtGiftCard.objects.get().code

    fill_cart(api, tee)
    paid = start(api, key="second", gift_card_code=code).json()

    assert paid["status"] == "completed" and paid["gift_card"]["amount"] == "24.90"
    assert promotions.check_gift_card(code).balance == D("0.10")


def test_the_storefront_checkout_says_a_gift_card_cannot_pay_for_one(card_variant):
    refused = checkout_in_the_browser(card_variant, gift_card("50.00").code)

    assert refused.status_code == 200
    assert "A gift card cannot be paid for with a gift card" in refused.content.decode()
    assert not Checkout.objects.exists()
