"""
Every paid order gets an invoice, and every refund a credit note, from the
invoices service (decision 0025): issued once however often the events come,
with the order's 19 % VAT per line; the customer downloads them from the
order page, the confirmation email and the API, nobody else can; staff
download them in the admin.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.backends.cache import SessionStore
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from shop.core.money import quantize
from shop.invoices import public as invoices
from shop.invoices.models import CreditNote, Invoice, NumberSequence
from shop.orders import invoicing, tasks
from shop.orders.documents import invoice_response
from shop.orders.models import Order, OrderLine, RefundRequest
from shop.orders.services import lifecycle, refunds
from tests.api.contract import assert_documented
from tests.invoices.pdftext import pdf_text

from .factories import make_order

pytestmark = pytest.mark.django_db

D = Decimal
BERLIN = {
    "full_name": "Łucja Kőváry",
    "line1": "Schönhauser Allee 12",
    "line2": "",
    "city": "Berlin",
    "postal_code": "10119",
    "region": "",
    "country": "DE",
    "phone": "",
}


@pytest.fixture(autouse=True)
def seller(settings):
    settings.INVOICES_SELLER_NAME = "Nordwind Outfitters GmbH"
    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg"]
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"


def with_german_vat(order: Order) -> Order:
    """The order as a checkout to Berlin froze it: 19 % VAT inside every gross price."""

    def taxed(gross: Decimal) -> tuple[Decimal, Decimal]:
        tax = quantize(gross * 19 / 119)
        return gross - tax, tax

    rate = D("19.00")
    for line in order.lines.all():
        gross = line.unit_price * line.quantity
        line.net, line.tax = taxed(gross)
        line.gross, line.tax_rate = gross, rate
        line.save()
    lines = list(order.lines.all())
    order.shipping_net, order.shipping_tax = taxed(order.shipping_cost)
    order.shipping_tax_rate, order.tax_country = rate, "DE"
    order.net_total = sum((line.net for line in lines), order.shipping_net)
    order.tax_total = sum((line.tax for line in lines), order.shipping_tax)
    order.tax_totals = [
        {"rate": "19.00", "net": str(order.net_total), "tax": str(order.tax_total),
         "gross": str(order.total)}
    ]  # fmt: skip
    order.save()
    return order


def berlin_order(user, lines=(("JACKET-M", 2, "59.50"),), shipping_cost="4.90") -> Order:
    order = make_order(user_id=user.pk, lines=list(lines), shipping_cost=shipping_cost)
    order.shipping_address = BERLIN
    return with_german_vat(order)


def placed(order) -> tasks.OrderPlaced:
    return tasks.OrderPlaced(
        number=order.number,
        checkout_id=str(order.checkout_id),
        user_id=order.user_id,
        total=order.total,
        currency=order.currency,
        lines=(),
    )


def documents(order) -> tuple[invoices.DocumentInfo, ...]:
    return invoices.documents_for_order(order.number)


def pdf_of(number: str) -> str:
    return pdf_text(invoices.document_pdf(number).content)


# --- issuing -------------------------------------------------------------------------


def test_a_paid_order_gets_an_invoice_showing_19_percent_vat(ada, deliver):
    order = berlin_order(ada)  # two jackets at 59.50 and 4.90 shipping, VAT inside

    deliver()

    (invoice,) = documents(order)
    assert invoice.kind == "invoice"
    assert (invoice.net, invoice.tax, invoice.gross) == (D("104.12"), D("19.78"), D("123.90"))
    text = pdf_of(invoice.number)
    assert invoice.number in text
    assert order.number in text
    assert "VAT no. DE123456789" in text
    assert "Łucja Kőváry" in text
    assert "VAT 19 % on €104.12" in text
    assert "€19.78" in text
    assert "Product JACKET-M — M / Blue" in text
    assert "€123.90" in text


def test_an_invoice_is_issued_once_however_often_its_event_or_the_email_asks(ada, deliver):
    order = berlin_order(ada)
    deliver()
    tasks.issue_invoice.handler(placed(order))  # a redelivery the inbox did not catch
    invoicing.invoice_for_email(order)

    assert Invoice.objects.filter(order_number=order.number).count() == 1
    assert NumberSequence.objects.get(series="INV").last == 1


def test_the_confirmation_email_links_the_invoice(ada, deliver, mailoutbox):
    order = berlin_order(ada)

    deliver()

    (mail,) = mailoutbox
    assert mail.attachments == []
    assert f"Your invoice (PDF):\nhttp://localhost:8000/orders/{order.number}/invoice/" in mail.body
    page = Client()
    page.force_login(ada)
    assert page.get(f"/orders/{order.number}/invoice/").content.startswith(b"%PDF-")


def test_the_confirmation_email_can_carry_the_invoice_too(ada, deliver, mailoutbox, settings):
    settings.ORDERS_ATTACH_INVOICE = True
    order = berlin_order(ada)

    deliver()

    (mail,) = mailoutbox
    (invoice,) = documents(order)
    (name, content, mimetype), = mail.attachments  # fmt: skip
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert invoice.number in pdf_text(content)
    assert f"http://localhost:8000/orders/{order.number}/invoice/" in mail.body


def test_the_confirmation_still_goes_when_the_invoice_cannot_be_made(
    ada, deliver, mailoutbox, monkeypatch, settings
):
    settings.ORDERS_ATTACH_INVOICE = True

    def broken(request):
        raise RuntimeError("invoices is down")

    order = berlin_order(ada)
    monkeypatch.setattr(invoices, "issue_invoice", broken)

    tasks.email_order_placed.handler(placed(order))

    (mail,) = mailoutbox
    assert mail.attachments == []
    assert f"/orders/{order.number}/invoice/" in mail.body
    monkeypatch.undo()
    deliver()  # the invoice's consumer, retried once invoices answers
    assert len(documents(order)) == 1
    assert len(mailoutbox) == 1


def test_a_partial_refund_gets_a_credit_note_with_its_share_of_the_tax(ada, gateway, deliver):
    order = berlin_order(ada)
    deliver()

    refunds.refund_order(order.number, "59.50", actor="staff:1", key="r1", reason="One returned")
    deliver()

    invoice, credit = documents(order)
    request = RefundRequest.objects.get(order=order)
    assert request.tax == D("9.50")
    assert credit.kind == "credit_note"
    assert credit.invoice_number == invoice.number
    assert (credit.net, credit.tax, credit.gross) == (D("50.00"), D("9.50"), D("59.50"))
    text = pdf_of(credit.number)
    assert f"corrects invoice {invoice.number}" in text
    assert "Reason: One returned" in text
    assert "VAT 19 % on €50.00" in text


def test_cancelling_credits_every_line_of_the_invoice(ada, gateway, deliver):
    order = berlin_order(ada, lines=[("JACKET-M", 2, "59.50"), ("CAP", 1, "19.90")])
    deliver()

    lifecycle.cancel_order(order.number, actor=f"customer:{ada.pk}", reason="Changed my mind")
    deliver()

    invoice, credit = documents(order)
    note = CreditNote.objects.get(number=credit.number)
    assert [line["sku"] for line in note.lines] == ["JACKET-M", "CAP"]
    assert [charge["gross"] for charge in note.charges] == ["4.90"]
    assert (credit.net, credit.tax, credit.gross) == (invoice.net, invoice.tax, invoice.gross)


def test_a_refund_heard_before_the_invoice_issues_the_invoice_first(ada):
    order = berlin_order(ada)

    credit = invoicing.issue_credit_note(order.number, refund_id="re_early", amount=D("10.00"))

    invoice, again = documents(order)
    assert again == credit
    assert (credit.gross, credit.tax) == (D("10.00"), D("1.60"))
    assert invoice.gross == order.total


def test_a_refund_credited_again_issues_no_second_credit_note(ada):
    order = berlin_order(ada)
    for _ in range(3):
        tasks.issue_credit_note.handler(
            tasks.OrderRefunded(
                number=order.number,
                user_id=ada.pk,
                refund_id="re_1",
                amount=D("20.00"),
                refunded_total=D("20.00"),
                currency="EUR",
                fully_refunded=False,
            )
        )

    assert CreditNote.objects.count() == 1
    assert NumberSequence.objects.get(series="CN").last == 1


# --- downloading ---------------------------------------------------------------------


def test_the_owner_downloads_the_invoice_from_the_order_page(
    ada, ada_client, deliver, django_assert_max_num_queries
):
    order = berlin_order(ada)
    deliver()
    (invoice,) = documents(order)

    page = ada_client.get(f"/orders/{order.number}/")
    with django_assert_max_num_queries(6):
        response = ada_client.get(f"/orders/{order.number}/invoice/")
    with django_assert_max_num_queries(5):
        by_number = ada_client.get(f"/orders/{order.number}/documents/{invoice.number}.pdf")

    assert f"/orders/{order.number}/documents/{invoice.number}.pdf" in page.content.decode()
    assert response.status_code == by_number.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert invoice.number in pdf_text(response.content)
    assert by_number.content == response.content


def test_before_the_invoice_is_issued_its_page_says_it_is_on_its_way(ada, ada_client):
    order = berlin_order(ada)

    response = ada_client.get(f"/orders/{order.number}/invoice/")

    assert response.status_code == 404
    assert "Your invoice is on its way" in response.content.decode()


def test_another_customer_gets_a_404_and_a_stranger_the_sign_in(ada, bob, client, deliver):
    order = berlin_order(ada)
    deliver()
    (invoice,) = documents(order)
    bobs = berlin_order(bob)
    deliver()

    anonymous = client.get(f"/orders/{order.number}/invoice/")
    client.force_login(bob)
    theirs = client.get(f"/orders/{order.number}/invoice/")
    by_number = client.get(f"/orders/{order.number}/documents/{invoice.number}.pdf")
    through_own_order = client.get(f"/orders/{bobs.number}/documents/{invoice.number}.pdf")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert theirs.status_code == by_number.status_code == through_own_order.status_code == 404


def test_the_order_page_with_its_documents_costs_a_bounded_number_of_queries(
    ada, ada_client, gateway, deliver, django_assert_max_num_queries
):
    order = berlin_order(ada)
    deliver()
    for key in ("r1", "r2", "r3"):
        refunds.refund_order(order.number, "5.00", actor="staff:1", key=key)
    deliver()
    assert len(documents(order)) == 4

    with django_assert_max_num_queries(14):
        page = ada_client.get(f"/orders/{order.number}/")

    assert page.content.decode().count("Credit note CN-") == 3


# --- the API ---------------------------------------------------------------------------


@pytest.fixture
def api(ada):
    client = APIClient()
    client.force_authenticate(ada)
    return client


def test_the_api_lists_the_orders_documents_and_serves_their_pdfs(
    ada, api, gateway, deliver, django_assert_max_num_queries
):
    order = berlin_order(ada)
    deliver()
    refunds.refund_order(order.number, "10.00", actor="staff:1", key="r1")
    deliver()
    path = f"/api/v1/orders/{order.number}/invoices/"

    with django_assert_max_num_queries(5):
        listed = api.get(path)

    assert listed.status_code == 200, listed.content
    assert_documented(listed, "get", "/api/v1/orders/{number}/invoices/")
    invoice, credit = listed.json()
    assert (invoice["kind"], invoice["gross"]) == ("invoice", "123.90")
    assert (credit["kind"], credit["gross"], credit["tax"]) == ("credit_note", "10.00", "1.60")
    assert credit["invoice_number"] == invoice["number"]
    pdf = api.get(credit["pdf_url"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert credit["number"] in pdf_text(pdf.content)
    assert api.get(invoice["pdf_url"]).content.startswith(b"%PDF-")


def test_the_api_refuses_other_customers_strangers_and_unknown_documents(ada, bob, deliver):
    order = berlin_order(ada)
    deliver()
    (invoice,) = documents(order)
    bobs = APIClient()
    bobs.force_authenticate(bob)
    template = "/api/v1/orders/{number}/invoices/{document}/"

    stranger = APIClient().get(f"/api/v1/orders/{order.number}/invoices/")
    theirs = bobs.get(f"/api/v1/orders/{order.number}/invoices/{invoice.number}/")
    ada_api = APIClient()
    ada_api.force_authenticate(ada)
    unknown = ada_api.get(
        f"/api/v1/orders/{order.number}/invoices/INV-1999-00001/", HTTP_ACCEPT="application/pdf"
    )

    assert stranger.status_code == 401
    assert_documented(stranger, "get", "/api/v1/orders/{number}/invoices/")
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "order_not_found"
    assert_documented(theirs, "get", template)
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/json"
    assert unknown.json()["code"] == "document_not_found"
    assert_documented(unknown, "get", template)


def test_the_schema_documents_the_pdf_as_application_pdf(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/orders/{number}/invoices/{document}/"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]


# --- staff -----------------------------------------------------------------------------


def test_support_staff_find_an_invoice_by_order_and_download_it(
    ada, client, django_user_model, deliver
):
    order = berlin_order(ada)
    deliver()
    invoice = Invoice.objects.get(order_number=order.number)
    call_command("sync_staff_roles", verbosity=0)
    support = django_user_model.objects.create_user(
        email="support@example.com", password="pw", is_staff=True
    )
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)

    found = client.get("/admin/invoices/invoice/", {"q": order.number})
    pdf = client.get(f"/admin/invoices/invoice/{invoice.pk}/pdf/")

    assert found.status_code == 200
    assert invoice.number in found.content.decode()
    assert "Download PDF" in found.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert invoice.number in pdf_text(pdf.content)


def test_staff_without_the_permission_cannot_download(ada, client, django_user_model, deliver):
    order = berlin_order(ada)
    deliver()
    invoice = Invoice.objects.get(order_number=order.number)
    clerk = django_user_model.objects.create_user(
        email="clerk@example.com", password="pw", is_staff=True
    )
    client.force_login(clerk)

    assert client.get(f"/admin/invoices/invoice/{invoice.pk}/pdf/").status_code == 403
    assert OrderLine.objects.exists()


def test_the_download_helper_serves_any_order_its_caller_authorised(ada, rf, deliver):
    """What a guest link's view calls with the order its key opened."""
    order = berlin_order(ada)
    request = rf.get("/orders/guest/")
    request.user, request.session = AnonymousUser(), SessionStore()

    pending = invoice_response(request, order, back_url="/orders/guest/KEY/")
    deliver()
    pdf = invoice_response(request, order)

    assert pending.status_code == 404
    assert 'href="/orders/guest/KEY/"' in pending.content.decode()
    assert pdf.status_code == 200
    assert order.number in pdf_text(pdf.content)


def test_staff_see_a_credit_notes_figures_read_only(ada, admin_client, gateway, deliver):
    order = berlin_order(ada)
    deliver()
    refunds.refund_order(order.number, "10.00", actor="staff:1", key="r1")
    deliver()
    note = CreditNote.objects.get()

    listed = admin_client.get("/admin/invoices/creditnote/", {"q": note.invoice.number})
    page = admin_client.get(f"/admin/invoices/creditnote/{note.pk}/change/")

    assert note.number in listed.content.decode()
    assert page.status_code == 200
    content = page.content.decode()
    assert "Łucja Kőváry" in content
    assert f"Refund for order {order.number}: 10.00 (19.00 %: 1.60)" in content
    assert 'name="_save"' not in content
    assert admin_client.get(f"/admin/invoices/creditnote/{note.pk}/pdf/").status_code == 200


def test_issuing_costs_the_same_few_queries_whatever_the_number_of_lines(
    ada, django_assert_max_num_queries
):
    lines = [(f"SKU-{n}", 1, "10.00") for n in range(20)]
    order = berlin_order(ada, lines=lines)

    with django_assert_max_num_queries(12):  # the year's first: its sequence is created
        invoice = invoicing.issue_invoice(order.number)
    with django_assert_max_num_queries(5):
        again = invoicing.issue_invoice(order.number)
    # the invoice found, the refund request, the invoice locked, credits so far, the number
    with django_assert_max_num_queries(19):
        invoicing.issue_credit_note(order.number, refund_id="re_1", amount=D("10.00"))

    assert again == invoice
    assert len(Invoice.objects.get().lines) == 20
