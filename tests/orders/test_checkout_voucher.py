"""
The cart's voucher code in the checkout saga (issue 17, decision 0028): priced
before anything is held, one use held beside the stock, committed with the
order, released with the stock on a decline or expiry; the discount comes off
the lines (and the delivery) before tax, and the checkout and order keep it.
"""

from decimal import Decimal

import pytest

from shop.catalog.models import Category
from shop.orders.models import Checkout, Order
from shop.promotions.models import Voucher, VoucherUse
from tests.catalog.factories import make_product
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

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
D = Decimal


def voucher(code="SAVE10", kind="percent", value="10", **fields) -> Voucher:
    return Voucher.objects.create(code=code, kind=kind, value=D(value), **fields)


def enter(client, code):
    response = client.post("/api/v1/cart/voucher/", {"code": code}, format="json")
    assert response.status_code == 200, response.content


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5).variants.get().sku


@pytest.fixture
def ada():
    return make_buyer()


@pytest.fixture
def api(ada):
    return api_for(ada)


def test_a_voucher_in_the_cart_is_taken_off_before_tax_and_kept_on_the_order(api, ada, tee):
    voucher()
    fill_cart(api, tee, 2)
    enter(api, "save10")

    started = start(api)

    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["subtotal"], body["shipping_cost"], body["total"]) == ("36.00", "4.90", "40.90")
    checkout = Checkout.objects.get()
    assert (checkout.voucher_code, checkout.discount_total) == ("SAVE10", D("4.00"))
    line = checkout.lines.get()
    assert line.discount == D("4.00") and line.gross == D("36.00")
    assert line.net + line.tax == line.gross
    assert VoucherUse.objects.get().status == "held"

    pay(api, body)

    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    order = Order.objects.get()
    assert (order.voucher_code, order.discount_total, order.total) == (
        "SAVE10",
        D("4.00"),
        D("40.90"),
    )
    assert order.lines.get().discount == D("4.00")
    assert VoucherUse.objects.get().status == "committed"


def test_free_shipping_zeroes_the_delivery(api, tee):
    voucher(code="SHIP", kind="free_shipping", value="0")
    fill_cart(api, tee)
    enter(api, "SHIP")

    body = start(api).json()

    assert (body["subtotal"], body["shipping_cost"], body["total"]) == ("20.00", "0.00", "20.00")
    assert Checkout.objects.get().shipping_discount == D("4.90")


def test_a_single_use_code_held_by_another_checkout_is_refused_and_nothing_is_held(tee):
    voucher(code="ONCE", max_uses=1)
    first, second = api_for(make_buyer("ann@example.com")), api_for(make_buyer("bo@example.com"))
    for client in (first, second):
        fill_cart(client, tee)
        enter(client, "ONCE")
    assert start(first).status_code == 201

    refused = start(second)

    assert refused.status_code == 409 and refused.json()["code"] == "voucher_used_up"
    assert Checkout.objects.count() == 1
    assert available(tee) == 4
    assert VoucherUse.objects.filter(status="held").count() == 1


def test_a_code_that_stopped_applying_is_refused_at_checkout_with_its_code(api, tee):
    sock_category = Category.objects.create(name="Socks", slug="socks")
    voucher(code="SOCKS", category_ids=[sock_category.pk])
    sock = make_product("Sock", price="5.00", category=sock_category).variants.get().sku
    fill_cart(api, sock)
    enter(api, "SOCKS")
    line = api.get("/api/v1/cart/").json()["items"][0]
    api.delete(f"/api/v1/cart/items/{line['id']}/")
    fill_cart(api, tee)

    refused = start(api)

    assert refused.status_code == 422 and refused.json()["code"] == "voucher_not_applicable"
    assert not Checkout.objects.exists() and available(tee) == 5


def test_a_declined_payment_gives_the_code_back(api, tee):
    voucher(code="ONCE", max_uses=1)
    fill_cart(api, tee)
    enter(api, "ONCE")
    body = start(api).json()

    pay(api, body, "failed")

    assert wait_for(lambda: status_of(api, body["id"])["status"] == "failed")
    assert VoucherUse.objects.get().status == "released"
    assert start(api, key="again").status_code == 201


def test_an_expired_checkout_gives_the_code_back(api, tee):
    voucher(code="ONCE", max_uses=1)
    fill_cart(api, tee)
    enter(api, "ONCE")
    body = start(api).json()

    assert expire_checkout(body["id"]) == 1

    assert VoucherUse.objects.get().status == "released"
    assert available(tee) == 5


def test_a_customer_who_used_a_once_per_customer_code_cannot_use_it_again(tee):
    voucher(code="WELCOME", max_uses_per_customer=1)
    ada = make_buyer()
    client = api_for(ada)
    fill_cart(client, tee)
    enter(client, "WELCOME")
    body = start(client).json()
    pay(client, body)
    assert wait_for(lambda: status_of(client, body["id"])["status"] == "completed")
    fill_cart(client, tee)

    refused = start(client, key="second")

    assert refused.status_code == 409 and refused.json()["code"] == "voucher_already_used"


# --- shown everywhere -----------------------------------------------------------------


@pytest.fixture
def discounted_order(api, ada, tee):
    voucher()
    fill_cart(api, tee, 2)
    enter(api, "SAVE10")
    body = start(api).json()
    pay(api, body)
    assert wait_for(lambda: status_of(api, body["id"])["status"] == "completed")
    return Order.objects.get()


def test_the_order_page_and_api_show_the_voucher_and_each_lines_discount(
    client, ada, discounted_order
):
    from tests.api.contract import assert_documented

    client.force_login(ada)
    page = client.get(f"/orders/{discounted_order.number}/").content.decode()
    assert "Voucher SAVE10: you saved" in page and "&minus;€4.00 voucher" in page

    response = api_for(ada).get(f"/api/v1/orders/{discounted_order.number}/")
    assert_documented(response, "get", "/api/v1/orders/{number}/")
    body = response.json()
    assert body["voucher"] == {"code": "SAVE10", "total": "4.00", "shipping": "0.00"}
    assert body["lines"][0]["discount"] == "4.00" and body["lines"][0]["gross"] == "36.00"


def test_the_confirmation_email_names_the_voucher(discounted_order):
    from shop.orders.notifications import build_message

    message = build_message(discounted_order, "placed")

    assert "Voucher SAVE10: you saved €4.00" in message.body
    assert "Voucher SAVE10: you saved" in message.alternatives[0][0]


def test_the_export_has_the_discount_columns(discounted_order):
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_orders", "--since", "2000-01-01", stdout=out)

    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["order_voucher_code"], row["order_discount_total"], row["line_discount"]) == (
        "SAVE10",
        "4.00",
        "4.00",
    )
    assert row["line_total"] == "36.00"


def test_the_invoice_lines_are_discounted_and_the_pdf_shows_the_voucher(settings, discounted_order):
    from shop.invoices import public as invoices
    from shop.orders import invoicing
    from tests.invoices.pdftext import pdf_text

    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg"]
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"
    request = invoicing.invoice_request(discounted_order)
    assert request.lines[0].gross == D("36.00") and request.lines[0].discount == D("4.00")

    invoice = invoicing.issue_invoice(discounted_order.number)

    assert "Voucher: \u2212€4.00" in pdf_text(invoices.document_pdf(invoice.number).content)


def test_a_refund_never_gives_back_more_than_was_paid(discounted_order):
    from shop.orders.errors import InvalidRefund
    from shop.orders.services import refunds

    with pytest.raises(InvalidRefund):
        refunds.refund_order(discounted_order.number, "44.90", actor="staff:1", key="too-much")
