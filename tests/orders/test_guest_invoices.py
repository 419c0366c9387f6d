"""
A guest's invoice and credit notes (decisions 0023 and 0025): the keyed link
of their emails opens them on the order page, the confirmation's invoice link
works without an account, the API serves them by the same key, and a wrong
key is a 404 like a missing order.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shop.invoices import public as invoices
from shop.orders import guests
from shop.orders.services import refunds
from tests.api.contract import assert_documented
from tests.invoices.pdftext import pdf_text

from .factories import make_order
from .test_invoices import BERLIN, with_german_vat

pytestmark = pytest.mark.django_db

WRONG_KEY = "0" * 32


@pytest.fixture(autouse=True)
def seller(settings):
    settings.INVOICES_SELLER_NAME = "Nordwind Outfitters GmbH"
    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg"]
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"


@pytest.fixture
def guest_order(deliver):
    order = make_order(
        user_id=None,
        email="grace@example.com",
        cart_key="cart-key-1",
        lines=[("JACKET-M", 2, "59.50")],
        shipping_cost="4.90",
    )
    order.shipping_address = BERLIN
    order = with_german_vat(order)
    deliver()
    return order


def test_the_guest_downloads_the_invoice_from_the_linked_order_page(
    guest_order, django_assert_max_num_queries
):
    (invoice,) = invoices.documents_for_order(guest_order.number)
    page = Client().get(guests.order_path(guest_order.number))
    html = page.content.decode()
    key = guests.order_key(guest_order.number)
    link = f"/orders/guest/{guest_order.number}/{key}/documents/{invoice.number}.pdf"
    assert f'href="{link}"' in html
    assert f"/orders/{guest_order.number}/documents/" not in html  # not the account's link

    with django_assert_max_num_queries(3):
        pdf = Client().get(link)

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    text = pdf_text(pdf.content)
    assert invoice.number in text and "VAT 19 % on €104.12" in text


def test_the_confirmations_invoice_link_opens_without_an_account(guest_order, mailoutbox):
    (mail,) = [m for m in mailoutbox if guest_order.number in m.subject]
    key = guests.order_key(guest_order.number)
    link = f"/orders/guest/{guest_order.number}/{key}/invoice/"
    assert link in mail.body
    assert f"/orders/{guest_order.number}/invoice/" not in mail.body

    pdf = Client().get(link)

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_before_it_is_issued_the_guests_invoice_page_says_it_is_on_its_way():
    order = make_order(user_id=None, email="grace@example.com", cart_key="cart-key-2")
    key = guests.order_key(order.number)

    page = Client().get(f"/orders/guest/{order.number}/{key}/invoice/")

    assert page.status_code == 404
    html = page.content.decode()
    assert "on its way" in html
    assert f'href="{guests.order_path(order.number)}"' in html


def test_a_wrong_key_opens_no_invoice(guest_order):
    (invoice,) = invoices.documents_for_order(guest_order.number)
    number = guest_order.number
    assert Client().get(f"/orders/guest/{number}/{WRONG_KEY}/invoice/").status_code == 404
    assert (
        Client()
        .get(f"/orders/guest/{number}/{WRONG_KEY}/documents/{invoice.number}.pdf")
        .status_code
        == 404
    )
    # Another guest's key and document stay out of reach too.
    other = make_order(user_id=None, email="x@example.com", cart_key="cart-key-3")
    other_key = guests.order_key(other.number)
    assert (
        Client()
        .get(f"/orders/guest/{other.number}/{other_key}/documents/{invoice.number}.pdf")
        .status_code
        == 404
    )


def test_the_api_lists_a_guests_documents_and_serves_their_pdfs_by_the_key(
    guest_order, gateway, deliver
):
    refunds.refund_order(guest_order.number, "10.00", actor="staff:1", key="r1")
    deliver()
    key = guests.order_key(guest_order.number)
    api = APIClient()
    path = f"/api/v1/orders/guest/{guest_order.number}/invoices/"

    listed = api.get(path, {"key": key})

    assert listed.status_code == 200, listed.content
    assert_documented(listed, "get", "/api/v1/orders/guest/{number}/invoices/")
    invoice, credit = listed.json()
    assert (invoice["kind"], credit["kind"], credit["gross"]) == ("invoice", "credit_note", "10.00")
    assert credit["pdf_url"].endswith(f"/invoices/{credit['number']}/?key={key}")
    pdf = api.get(credit["pdf_url"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert credit["number"] in pdf_text(pdf.content)


def test_the_api_answers_a_wrong_key_with_order_not_found(guest_order):
    (invoice,) = invoices.documents_for_order(guest_order.number)
    api = APIClient()
    base = f"/api/v1/orders/guest/{guest_order.number}/invoices/"

    listed = api.get(base, {"key": WRONG_KEY})
    pdf = api.get(f"{base}{invoice.number}/", {"key": WRONG_KEY}, HTTP_ACCEPT="application/pdf")

    assert listed.status_code == 404 and listed.json()["code"] == "order_not_found"
    assert pdf.status_code == 404 and pdf.json()["code"] == "order_not_found"
    assert_documented(pdf, "get", "/api/v1/orders/guest/{number}/invoices/{document}/")
