"""
The PDF a customer downloads: the seller with its VAT number, the buyer's
address in any Latin script, the number and dates, every line with its net,
rate, tax and gross, the totals per rate; the export note when no VAT was
charged; a credit note naming the invoice it corrects.
"""

import shutil
import subprocess

import pytest

from shop.invoices import public as invoices

from .factories import credit_request, invoice_request, order_number, untaxed_request
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def text_of(number: str) -> str:
    return pdf_text(invoices.document_pdf(number).content)


def test_the_invoice_shows_the_seller_the_buyer_the_lines_and_19_percent_vat():
    number = order_number()
    issued = invoices.issue_invoice(invoice_request(number))

    text = text_of(issued.number)

    for expected in (
        "Invoice",
        issued.number,
        f"Order{number}",
        "Nordwind Outfitters GmbH",
        "Hafenstraße 7",
        "VAT no. DE123456789",
        "Łucja Kőváry-Nørgaard",
        "Schönhauser Allee 12",
        "10119 Berlin",
        "Germany",
        "Rain jacket — M / Blue",
        "SKU JACKET-M",
        "Unit price\n(gross)",
        "€59.50",
        "19 %",
        "7 %",
        "€100.00",
        "€19.00",
        "€119.00",
        "Shipping: Standard",
        "VAT 19 % on €104.12",
        "€19.78",
        "VAT 7 % on €10.00",
        "Total VAT",
        "€20.48",
        "Total",
        "€134.60",
        "20 November 2026",
    ):
        assert expected in text or expected in text.replace("\n", ""), expected
    assert "\ufffd" not in text
    assert "not charged" not in text


def test_an_invoice_without_vat_says_why():
    issued = invoices.issue_invoice(untaxed_request())

    text = text_of(issued.number)

    assert "VAT not charged: export of goods outside the EU (delivered to United States" in text
    assert "Boston" in text


def test_a_credit_note_names_the_invoice_it_corrects_and_what_went_back():
    number = order_number()
    invoice = invoices.issue_invoice(invoice_request(number))
    credit = invoices.issue_credit_note(credit_request(number, "re_1"))

    text = text_of(credit.number)

    assert "Credit note" in text
    assert credit.number in text
    assert f"Corrects invoice{invoice.number}" in text.replace("\n", "")
    assert f"corrects invoice {invoice.number}" in text
    assert "Total credited" in text
    assert "€23.80" in text
    assert "€3.80" in text
    assert "Reason: Returned one jacket" in text


def test_a_document_of_another_order_is_not_found():
    invoice = invoices.issue_invoice(invoice_request())

    with pytest.raises(invoices.DocumentNotFound) as missing:
        invoices.document_pdf(invoice.number, order_number="SOMEONE-ELSE")

    assert missing.value.status_code == 404
    with pytest.raises(invoices.DocumentNotFound):
        invoices.document_pdf("INV-1999-00001")


def test_the_pdf_is_the_same_each_time_it_is_made():
    issued = invoices.issue_invoice(invoice_request())

    assert invoices.document_pdf(issued.number) == invoices.document_pdf(issued.number)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_renders_the_invoice(tmp_path):
    issued = invoices.issue_invoice(invoice_request())
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoices.document_pdf(issued.number).content)

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
        capture_output=True,
    )

    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 5_000
