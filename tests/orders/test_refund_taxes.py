"""
A refund shows its tax to the customer (issue 16): the order page, the refund
email, the orders API and the export say what each refund gave back per rate,
net, tax and gross, adding up to the cent to what was refunded and to the tax
recorded on the refund.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from shop.orders import refund_taxes
from shop.orders.models import Order
from shop.orders.services import lifecycle, refunds
from tests.conftest import AllQueries

from .factories import make_order

pytestmark = pytest.mark.django_db

D = Decimal
BOTH = ("orders", "payments")
BERLIN = {
    "full_name": "Ada Lovelace",
    "line1": "Unter den Linden 1",
    "line2": "",
    "city": "Berlin",
    "postal_code": "10117",
    "region": "",
    "country": "DE",
    "phone": "",
}
# A tee (19 %) twice and a book (7 %), standard delivery taxed as the tee:
# 19 %: 39.80 + 4.90 = 44.70 gross, 7.13 tax; 7 %: 10.70 gross, 0.70 tax.
TAXED = {
    "lines": (("TEE-M", 2, "19.90"), ("BOOK", 1, "10.70")),
    "address": BERLIN,
    "tax_country": "DE",
    "prices_include_tax": True,
    "shipping_tax_rate": D("19"),
    "shipping_net": D("4.12"),
    "shipping_tax": D("0.78"),
    "net_total": D("47.57"),
    "tax_total": D("7.83"),
    "tax_totals": [
        {"rate": "19.00", "net": "37.57", "tax": "7.13", "gross": "44.70"},
        {"rate": "7.00", "net": "10.00", "tax": "0.70", "gross": "10.70"},
    ],
}


@pytest.fixture
def order(ada, gateway):
    placed = make_order(user_id=ada.pk, **TAXED)
    assert placed.total == D("55.40")
    placed.lines.filter(sku="TEE-M").update(tax_class="standard", tax_rate=D("19"))
    placed.lines.filter(sku="BOOK").update(tax_class="reduced", tax_rate=D("7"))
    return placed


def refund(order, amount, key, deliver):
    refunds.refund_order(order.number, amount, actor="staff:1", key=key)
    deliver(apps=BOTH)
    return Order.objects.get(pk=order.pk)


def test_a_partial_refund_is_shared_among_the_rates_adding_up_to_the_cent(order, deliver):
    refunded = refund(order, "20.00", "part", deliver)

    [part] = refund_taxes.refunds_of(refunded)

    assert (part.gross, part.tax, part.net) == (D("20.00"), D("2.83"), D("17.17"))
    assert [(r.rate, r.net, r.tax, r.gross) for r in part.rates] == [
        (D("19.00"), D("13.56"), D("2.58"), D("16.14")),
        (D("7.00"), D("3.61"), D("0.25"), D("3.86")),
    ]


def test_the_order_page_shows_each_refund_per_rate(order, deliver, ada_client):
    refund(order, "20.00", "part", deliver)

    page = ada_client.get(f"/orders/{order.number}/").content.decode()

    assert "Refunded" in page and "&minus;€20.00" in page
    assert "€13.56 net + €2.58 VAT (19 %)" in page
    assert "€3.61 net + €0.25 VAT (7 %)" in page


def test_the_refund_email_says_what_was_refunded_per_rate(order, deliver, mailoutbox):
    refund(order, "20.00", "part", deliver)

    [mail] = [mail for mail in mailoutbox if "refund" in mail.subject]

    assert "We have refunded €20.00" in mail.body
    assert "Of which €13.56 net + €2.58 VAT (19 %); €3.61 net + €0.25 VAT (7 %)." in mail.body
    assert "€13.56 net + €2.58 VAT (19 %)" in mail.alternatives[0][0]


def test_the_orders_api_lists_refunds_with_their_tax_per_rate(order, deliver, ada):
    refund(order, "20.00", "part", deliver)
    api = APIClient()
    api.force_authenticate(ada)

    detail = api.get(f"/api/v1/orders/{order.number}/").json()
    listed = api.get("/api/v1/orders/").json()["results"][0]

    [part] = detail["refunds"]
    assert (part["gross"], part["net"], part["tax"]) == ("20.00", "17.17", "2.83")
    assert part["taxes"] == [
        {"rate": "19.00", "net": "13.56", "tax": "2.58", "gross": "16.14"},
        {"rate": "7.00", "net": "3.61", "tax": "0.25", "gross": "3.86"},
    ]
    assert listed["refunds"] == detail["refunds"]


def test_cancelling_after_a_partial_refund_gives_back_the_rest_of_each_rate(order, deliver):
    refund(order, "20.00", "part", deliver)
    lifecycle.cancel_order(order.number, actor="customer:1")
    deliver(apps=BOTH)
    refunded = Order.objects.get(pk=order.pk)
    assert (refunded.status, refunded.refunded_amount) == ("refunded", D("55.40"))

    part, rest = refund_taxes.refunds_of(refunded)

    assert (rest.gross, rest.tax) == (D("35.40"), D("5.00"))
    assert part.tax + rest.tax == D("7.83")
    by_rate = {}
    for each in (part, rest):
        for row in each.rates:
            net, tax, gross = by_rate.get(row.rate, (0, 0, 0))
            by_rate[row.rate] = (net + row.net, tax + row.tax, gross + row.gross)
    assert by_rate[D("7.00")][2] + by_rate[D("19.00")][2] == D("55.40")


def test_an_order_shipped_outside_the_tax_zone_refunds_without_vat(ada, gateway, deliver):
    untaxed = make_order(user_id=ada.pk)

    [part] = refund_taxes.refunds_of(refund(untaxed, "10.00", "part", deliver))

    assert (part.gross, part.tax, part.rates) == (D("10.00"), D("0.00"), ())


def test_the_export_has_the_refunded_net_and_tax_per_rate(order, deliver):
    refund(order, "20.00", "part", deliver)
    out = io.StringIO()

    call_command("export_orders", "--since", "2000-01-01", "--no-progress", stdout=out)

    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["order_refunded_net"], row["order_refunded_tax"]) == ("17.17", "2.83")
    assert (row["order_refunded_net_19"], row["order_refunded_tax_19"]) == ("13.56", "2.58")
    assert (row["order_refunded_net_7"], row["order_refunded_tax_7"]) == ("3.61", "0.25")


def test_the_order_list_costs_the_same_queries_with_refunds(ada, gateway, deliver):
    api = APIClient()
    api.force_authenticate(ada)
    first = make_order(user_id=ada.pk, **TAXED)
    refund(first, "5.00", "a", deliver)

    with AllQueries() as one:
        api.get("/api/v1/orders/")
    for key in "bcd":
        refund(make_order(user_id=ada.pk, **TAXED), "5.00", key, deliver)

    with AllQueries() as four:
        assert len(api.get("/api/v1/orders/").json()["results"]) == 4

    assert len(four) == len(one)


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        ("0.03", ["1", "1", "1"], ["0.01", "0.01", "0.01"]),
        ("0.10", ["1", "2"], ["0.03", "0.07"]),
        ("10.00", ["0", "0"], ["0.00", "0.00"]),
        ("2.83", ["7.13", "0.70"], ["2.58", "0.25"]),
    ],
)
def test_a_share_adds_up_to_the_cent(total, weights, parts):
    shared = refund_taxes.share(D(total), [D(w) for w in weights], "EUR")

    assert shared == [D(p) for p in parts]


def test_staff_see_each_refund_requests_tax_per_rate(order, deliver, admin_client):
    refund(order, "20.00", "part", deliver)

    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "19 %: net €13.56, tax €2.58; 7 %: net €3.61, tax €0.25" in page
