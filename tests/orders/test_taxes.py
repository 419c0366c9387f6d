"""
Tax follows the shipping address's country (decision 0021): a German buyer
pays the gross price with 19 % VAT inside, on the checkout, the order page,
the API, the email, the invoice PDF and the export; the same product shipped
to the United States costs its net price; with net catalog prices the tax is added; a
partial refund gives back its share of the tax.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from shop.invoices import public as invoices
from shop.orders import notifications
from shop.orders.models import Checkout, Order, RefundRequest, SentEmail
from shop.orders.services import refunds
from shop.taxes.demo import seed_tax_rates
from tests.catalog.factories import make_product
from tests.conftest import wait_for
from tests.invoices.pdftext import pdf_text

from .test_checkout import api_for, fill_cart, make_buyer, pay, start, status_of

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

D = Decimal
BERLIN = {
    "full_name": "Ada Lovelace",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
BOSTON = {**BERLIN, "line1": "1 Beacon St", "city": "Boston", "postal_code": "02108"}
BOSTON["country"] = "US"


@pytest.fixture(autouse=True)
def rates(settings):
    settings.TAXES_HOME_COUNTRY = "DE"
    settings.TAXES_PRICES_INCLUDE_TAX = True
    seed_tax_rates()


@pytest.fixture
def jacket():
    return make_product("Jacket", price="119.00", stock=5).variants.get().sku


def buy(address, sku, quantity=1):
    buyer = make_buyer()
    api = api_for(buyer)
    fill_cart(api, sku, quantity)
    response = start(api, shipping_address=address, shipping_method="express")
    assert response.status_code == 201, response.content
    api.buyer = buyer
    return api, response.json()


def test_a_german_buyer_sees_19_percent_vat_on_the_checkout_order_email_and_export(jacket, client):
    api, checkout = buy(BERLIN, jacket)
    assert checkout["total"] == "131.90"  # 119.00 + 12.90 express, gross
    tax = checkout["tax"]
    assert (tax["country"], tax["prices_include_tax"]) == ("DE", True)
    assert (tax["net_total"], tax["tax_total"]) == ("110.84", "21.06")
    assert tax["totals"] == [{"rate": "19.00", "net": "110.84", "tax": "21.06", "gross": "131.90"}]
    assert tax["shipping"] == {"rate": "19.00", "net": "10.84", "tax": "2.06", "gross": "12.90"}
    line = checkout["lines"][0]
    assert (line["tax_rate"], line["net"], line["tax"], line["gross"]) == (
        "19.00", "100.00", "19.00", "119.00",
    )  # fmt: skip

    pay(api, checkout)
    done = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "completed" and s)
    order = Order.objects.get(number=done["order_number"])
    assert (order.tax_total, order.net_total, order.total) == (D("21.06"), D("110.84"), D("131.90"))
    assert order.lines.get().tax == D("19.00")

    client.force_login(api.buyer)
    page = client.get(f"/orders/{order.number}/")
    assert "Incl. VAT 19 % on €110.84" in page.content.decode()
    assert api.get(f"/api/v1/orders/{order.number}/").json()["tax"]["tax_total"] == "21.06"
    assert wait_for(lambda: SentEmail.objects.filter(order=order, kind="placed").exists())
    email = notifications.build_message(order, "placed")
    assert "Incl. VAT 19 % on €110.84  €21.06" in email.body
    assert "Incl. VAT 19 % on €110.84" in email.alternatives[0][0]
    assert wait_for(lambda: invoices.documents_for_order(order.number))
    invoice = client.get(f"/orders/{order.number}/invoice/")
    assert invoice["Content-Type"] == "application/pdf"
    text = pdf_text(invoice.content)
    assert "VAT 19 % on €110.84" in text
    assert "€21.06" in text

    out = io.StringIO()
    call_command("export_orders", "--since", "2000-01-01", "--no-progress", stdout=out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["order_tax_total"], row["order_net_19"], row["order_tax_19"]) == (
        "21.06", "110.84", "21.06",
    )  # fmt: skip
    assert (row["line_tax_rate"], row["line_net"], row["line_tax"]) == ("19.00", "100.00", "19.00")


def test_the_same_product_shipped_outside_the_zone_costs_its_net_price(jacket):
    _api, checkout = buy(BOSTON, jacket)
    assert checkout["lines"][0]["gross"] == "100.00"
    assert checkout["tax"]["tax_total"] == "0.00"
    # 119.00 / 1.19 + 12.90 / 1.19
    assert checkout["total"] == "110.84"
    assert Checkout.objects.get(pk=checkout["id"]).untaxed


def test_with_net_catalog_prices_the_tax_is_added_at_checkout(jacket, settings):
    settings.TAXES_PRICES_INCLUDE_TAX = False
    _api, checkout = buy({**BERLIN, "country": "FR"}, jacket)
    # 119.00 + 12.90 net, 20 % French VAT added
    assert (checkout["tax"]["net_total"], checkout["tax"]["tax_total"]) == ("131.90", "26.38")
    assert checkout["total"] == "158.28"


def test_a_partial_refund_gives_back_its_share_of_the_tax(jacket):
    api, checkout = buy(BERLIN, jacket)
    pay(api, checkout)
    done = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "completed" and s)
    order = Order.objects.get(number=done["order_number"])
    refunds.refund_order(order.number, "65.95", actor="staff:1", key="half")
    assert RefundRequest.objects.get(order=order).tax == D("10.53")  # half of 21.06
    assert refunds.refunded_tax(order, None) == D("10.53")  # the rest's tax
