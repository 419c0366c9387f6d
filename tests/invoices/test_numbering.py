"""
Invoice and credit note numbers: a gap-free sequence per series and year,
given with the document and never twice; one invoice per order and one
credit note per refund however often they are asked for.
"""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from shop.invoices import public as invoices
from shop.invoices.db import db
from shop.invoices.models import CreditNote, Invoice, NumberSequence

from .factories import credit_request, invoice_request, order_number

pytestmark = pytest.mark.django_db


def at(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: when)


def test_invoices_are_numbered_one_after_another_from_the_first_of_the_year():
    numbers = [invoices.issue_invoice(invoice_request()).number for _ in range(3)]

    year = timezone.localdate().year
    assert numbers == [f"INV-{year}-00001", f"INV-{year}-00002", f"INV-{year}-00003"]


def test_a_new_year_starts_its_own_sequence_again_at_one(monkeypatch):
    at(monkeypatch, datetime(2026, 12, 31, 10, 0, tzinfo=UTC))
    invoices.issue_invoice(invoice_request())
    last_of_2026 = invoices.issue_invoice(invoice_request())
    at(monkeypatch, datetime(2027, 1, 1, 10, 0, tzinfo=UTC))
    first_of_2027 = invoices.issue_invoice(invoice_request())

    assert last_of_2026.number == "INV-2026-00002"
    assert first_of_2027.number == "INV-2027-00001"
    assert first_of_2027.issued_on.isoformat() == "2027-01-01"


def test_asking_again_for_an_orders_invoice_gives_the_same_invoice_and_uses_no_number():
    number = order_number()
    first = invoices.issue_invoice(invoice_request(number))
    again = invoices.issue_invoice(invoice_request(number))
    following = invoices.issue_invoice(invoice_request())

    assert again == first
    assert Invoice.objects.filter(order_number=number).count() == 1
    assert following.number.endswith("-00002")


def test_a_rolled_back_invoice_gives_its_number_back():
    class Crash(Exception):
        pass

    with pytest.raises(Crash), db.atomic():
        invoices.issue_invoice(invoice_request())
        raise Crash

    issued = invoices.issue_invoice(invoice_request())

    assert issued.number.endswith("-00001")
    assert NumberSequence.objects.get(series="INV").last == 1


def test_a_refused_request_takes_no_number():
    with pytest.raises(invoices.InvalidDocumentRequest) as refused:
        invoices.issue_invoice(invoice_request(gross=invoice_request().gross + 1))

    assert refused.value.code == "invalid_document_request"
    assert refused.value.status_code == 400
    assert invoices.issue_invoice(invoice_request()).number.endswith("-00001")


@pytest.mark.parametrize(
    "changes",
    [
        {"order_number": " "},
        {"currency": "euro"},
        {"net": invoice_request().net + 1},
        {"totals": invoice_request().totals[:1]},
    ],
    ids=["no order number", "bad currency", "net off by one", "a rate missing"],
)
def test_figures_that_do_not_add_up_are_refused(changes):
    with pytest.raises(invoices.InvalidDocumentRequest):
        invoices.issue_invoice(invoice_request(**changes))

    assert not Invoice.objects.exists()


def test_credit_notes_have_their_own_sequence_and_refer_to_the_invoice():
    first_order, second_order = order_number(), order_number()
    invoice = invoices.issue_invoice(invoice_request(first_order))
    invoices.issue_invoice(invoice_request(second_order))

    credit = invoices.issue_credit_note(credit_request(first_order, "re_1"))
    second = invoices.issue_credit_note(credit_request(second_order, "re_2"))

    year = timezone.localdate().year
    assert (credit.number, second.number) == (f"CN-{year}-00001", f"CN-{year}-00002")
    assert credit.kind == "credit_note"
    assert credit.invoice_number == invoice.number
    assert credit.refund_ref == "re_1"


def test_the_same_refund_is_credited_once():
    number = order_number()
    invoices.issue_invoice(invoice_request(number))

    first = invoices.issue_credit_note(credit_request(number, "re_1"))
    again = invoices.issue_credit_note(credit_request(number, "re_1"))

    assert again == first
    assert CreditNote.objects.count() == 1


def test_a_credit_note_before_the_invoice_is_refused_until_the_invoice_exists():
    number = order_number()

    with pytest.raises(invoices.InvoiceNotIssued) as refused:
        invoices.issue_credit_note(credit_request(number, "re_1"))

    assert refused.value.status_code == 409
    assert not NumberSequence.objects.filter(series="CN", last__gt=0).exists()


def test_more_than_the_invoice_has_left_is_not_credited():
    number = order_number()
    invoices.issue_invoice(invoice_request(number))  # 134.60 in all
    invoices.issue_credit_note(credit_request(number, "re_1", gross="119.00", tax="19.00"))

    with pytest.raises(invoices.InvalidDocumentRequest) as refused:
        invoices.issue_credit_note(credit_request(number, "re_2", gross="23.80", tax="3.80"))

    assert refused.value.extra == {"left": "15.60"}
    assert CreditNote.objects.count() == 1


def test_an_orders_documents_are_its_invoice_then_its_credit_notes():
    number = order_number()
    assert invoices.documents_for_order(number) == ()
    invoice = invoices.issue_invoice(invoice_request(number))
    credit = invoices.issue_credit_note(credit_request(number, "re_1"))
    invoices.issue_invoice(invoice_request())

    assert invoices.documents_for_order(number) == (invoice, credit)
    assert invoice.gross == invoice_request().gross
    assert (credit.net, credit.tax, credit.gross) == (
        credit_request(number, "x").net,
        credit_request(number, "x").tax,
        credit_request(number, "x").gross,
    )
