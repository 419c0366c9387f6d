"""
Issuing invoices and credit notes. Each is issued once, whatever the number
of calls: an invoice per order number, a credit note per refund. The number
is taken in the transaction that inserts the document (``numbering``), so a
call that loses a race, or fails, gives its number back.

A credit note needs its order's invoice, and never credits more than the
invoice's total less the credit notes before it; the invoice's row is locked
while it is issued, so two refunds of one order are credited one after the
other.
"""

import dataclasses
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone

from shop.core.db import insert_new
from shop.core.money import quantize

from . import numbering
from .data import ChargeLine, CreditNoteRequest, DocumentLine, InvoiceRequest
from .db import db
from .errors import InvalidDocumentRequest, InvoiceNotIssued
from .models import CreditNote, Invoice
from .seller import current_seller


def issue_invoice(request: InvoiceRequest) -> Invoice:
    """
    No savepoint: the insert is ``INSERT … ON CONFLICT DO NOTHING``. One that
    inserts nothing lost a race to a call that committed the order's invoice
    while this one waited for the number: the number is given back and that
    invoice returned.
    """
    _check(request, request.lines, (request.shipping,) if request.shipping else ())
    with db.atomic(savepoint=False):
        existing = Invoice.objects.filter(order_number=request.order_number).first()
        if existing is not None:
            return existing
        invoice = _document(Invoice, numbering.INVOICE, request, _invoice_fields(request))
        if insert_new(invoice, using=db.alias):
            return invoice
        numbering.give_back(invoice.series, invoice.year)
        existing = Invoice.objects.filter(order_number=request.order_number).first()
        if existing is None:
            raise IntegrityError(f"Invoice number {invoice.number} is taken already.")
        return existing


def issue_credit_note(request: CreditNoteRequest) -> CreditNote:
    _check(request, request.lines, request.charges)
    if not request.refund_ref.strip():
        raise InvalidDocumentRequest("A credit note needs the reference of its refund.")
    if request.gross <= 0:
        raise InvalidDocumentRequest("A credit note gives back a positive amount.")
    with db.atomic():
        existing = CreditNote.objects.filter(refund_ref=request.refund_ref).first()
        if existing is not None:
            return existing
        invoice = (
            Invoice.objects.select_for_update().filter(order_number=request.order_number).first()
        )
        if invoice is None:
            raise InvoiceNotIssued(
                f"Order {request.order_number} has no invoice yet.",
                order_number=request.order_number,
            )
        existing = CreditNote.objects.filter(refund_ref=request.refund_ref).first()
        if existing is not None:
            return existing
        credited = invoice.credit_notes.aggregate(total=Sum("gross"))["total"] or Decimal(0)
        if credited + request.gross > invoice.gross:
            raise InvalidDocumentRequest(
                f"Invoice {invoice.number} has {invoice.gross - credited} left to credit, "
                f"not {request.gross}.",
                left=str(invoice.gross - credited),
            )
        fields = {
            "invoice": invoice,
            "refund_ref": request.refund_ref,
            "reason": request.reason[:255],
            "tax_country": invoice.tax_country,
            "prices_include_tax": invoice.prices_include_tax,
            "buyer": invoice.buyer,
            "charges": [_json(charge) for charge in request.charges],
        }
        with db.atomic():
            return _create(CreditNote, numbering.CREDIT_NOTE, request, fields)


def _create(model, series: str, request, fields: dict):
    document = _document(model, series, request, fields)
    document.save(force_insert=True)
    return document


def _document(model, series: str, request, fields: dict):
    """A new document of ``series`` under the next number, not saved yet."""
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    sequence = numbering.take(series, issued_on.year)
    return model(
        number=numbering.formatted(series, issued_on.year, sequence),
        series=series,
        year=issued_on.year,
        sequence=sequence,
        order_number=request.order_number,
        issued_at=issued_at,
        issued_on=issued_on,
        currency=request.currency,
        seller=current_seller(),
        lines=[_json(line) for line in request.lines],
        totals=[_json(total) for total in request.totals],
        net=request.net,
        tax=request.tax,
        gross=request.gross,
        **fields,
    )


def _invoice_fields(request: InvoiceRequest) -> dict:
    return {
        "tax_country": request.tax_country,
        "prices_include_tax": request.prices_include_tax,
        "supplied_on": timezone.localdate(request.paid_at),
        "buyer": {**_json(request.buyer), "email": request.buyer_email},
        "charges": [_json(request.shipping)] if request.shipping else [],
        "payments": [_json(paid) for paid in request.payments],
    }


def _json(item) -> dict:
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in dataclasses.asdict(item).items()
    }


def _check(
    request,
    lines: tuple[DocumentLine, ...],
    charges: tuple[ChargeLine, ...],
) -> None:
    """Every figure exact to the cent, every line and total adding up: else refused, 400."""
    if not request.order_number.strip():
        raise InvalidDocumentRequest("The order number is missing.")
    currency = request.currency
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise InvalidDocumentRequest(f"{currency!r} is not a currency code.")
    by_rate: dict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for item in (*lines, *charges):
        amounts = (item.net, item.tax, item.gross)
        for amount in amounts:
            _exact(amount, currency)
        if item.net + item.tax != item.gross:
            raise InvalidDocumentRequest(f"{item.name}: net and tax do not add up to gross.")
        if getattr(item, "quantity", 1) < 1:
            raise InvalidDocumentRequest(f"{item.name}: the quantity must be at least 1.")
        sums = by_rate[Decimal(item.rate)]
        for index, amount in enumerate(amounts):
            sums[index] += amount
    totals = {Decimal(t.rate): [t.net, t.tax, t.gross] for t in request.totals}
    if totals != dict(by_rate):
        raise InvalidDocumentRequest("The totals per rate are not the sums of the lines.")
    grand = [sum(column, Decimal(0)) for column in zip(*totals.values(), strict=True)] or [0] * 3
    if [request.net, request.tax, request.gross] != grand:
        raise InvalidDocumentRequest("The grand totals are not the sums of the rates' totals.")


def _exact(amount: Decimal, currency: str) -> None:
    try:
        exact = Decimal(amount).is_finite() and quantize(amount, currency) == amount
    except (InvalidOperation, TypeError, ValueError):
        exact = False
    if not exact:
        raise InvalidDocumentRequest(f"{amount} is not an amount in {currency}.")
