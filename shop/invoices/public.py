"""
The invoices service's interface for other apps: functions that take and
return plain data (``data.py``) and the exceptions they raise. Everything
else in shop.invoices is private.

Orders issues an order's invoice once it is paid and a credit note for each
refund; both calls are idempotent (by order number, by refund reference), so
a retried consumer never issues a second document or uses a second number.
"""

import base64

from shop.core.interfaces import idempotent

from . import issuing as _issuing
from . import pdf as _pdf
from . import selectors as _selectors
from .data import (
    BuyerAddress,
    ChargeLine,
    CreditNoteRequest,
    DocumentInfo,
    DocumentLine,
    DocumentPdf,
    InvoiceRequest,
    PaidWith,
    RateTotal,
)
from .errors import DocumentNotFound, InvalidDocumentRequest, InvoiceNotIssued
from .models import CreditNote as _CreditNote
from .models import Document as _Document

__all__ = [
    "BuyerAddress",
    "ChargeLine",
    "CreditNoteRequest",
    "DocumentInfo",
    "DocumentLine",
    "DocumentNotFound",
    "DocumentPdf",
    "InvalidDocumentRequest",
    "InvoiceNotIssued",
    "InvoiceRequest",
    "PaidWith",
    "RateTotal",
    "document_pdf",
    "documents_for_order",
    "issue_credit_note",
    "issue_invoice",
]


def _info(document: _Document) -> DocumentInfo:
    credit = isinstance(document, _CreditNote)
    return DocumentInfo(
        number=document.number,
        kind="credit_note" if credit else "invoice",
        order_number=document.order_number,
        invoice_number=document.invoice.number if credit else document.number,
        refund_ref=document.refund_ref if credit else "",
        issued_on=document.issued_on,
        issued_at=document.issued_at,
        currency=document.currency,
        net=document.net,
        tax=document.tax,
        gross=document.gross,
        filename=document.filename,
    )


@idempotent
def issue_invoice(request: InvoiceRequest) -> DocumentInfo:
    """
    The invoice of order ``request.order_number``: issued now under the next
    ``INV-<year>-<n>`` number, or the one issued before (the request is then
    not looked at). ``InvalidDocumentRequest`` (400) when the figures do not
    add up.
    """
    return _info(_issuing.issue_invoice(request))


@idempotent
def issue_credit_note(request: CreditNoteRequest) -> DocumentInfo:
    """
    The credit note of refund ``request.refund_ref``: issued now under the
    next ``CN-<year>-<n>`` number, or the one issued before.
    ``InvoiceNotIssued`` (409) before the order's invoice;
    ``InvalidDocumentRequest`` (400) for figures that do not add up or more
    than the invoice has left to credit.
    """
    return _info(_issuing.issue_credit_note(request))


@idempotent
def documents_for_order(order_number: str) -> tuple[DocumentInfo, ...]:
    """The order's invoice and credit notes, in the order issued (empty before the invoice)."""
    return tuple(_info(document) for document in _selectors.documents_for_order(order_number))


@idempotent
def document_pdf(number: str, order_number: str | None = None) -> DocumentPdf:
    """
    The PDF of invoice or credit note ``number``; with ``order_number``, only
    if it belongs to that order. ``DocumentNotFound`` (404) otherwise.
    """
    document = _selectors.document(number, order_number)
    content = _pdf.render(document)
    return DocumentPdf(
        number=document.number,
        filename=document.filename,
        content_base64=base64.b64encode(content).decode("ascii"),
    )
