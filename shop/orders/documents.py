"""
The order's invoice and credit notes as the customer downloads them. The
callers authorise: ``invoice_response`` takes an order the caller may see
(the signed-in owner's on /orders/…, a guest link's, the API's) and answers
its invoice's PDF, or with ``number`` one of its credit notes; a document of
another order is a 404 like a missing one.

Before the invoice is issued (it follows the order by moments, decision 0025)
the invoice's address answers a friendly 404 page saying it is on its way.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from shop.invoices import public as invoices

from .models import Order


def documents(order: Order) -> tuple[invoices.DocumentInfo, ...]:
    """The order's invoice and credit notes, in the order issued (none yet: empty)."""
    return invoices.documents_for_order(order.number)


def pdf_response(pdf: invoices.DocumentPdf, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(pdf.content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_pdf(order: Order, number: str) -> invoices.DocumentPdf:
    """The PDF of ``order``'s document ``number``; ``DocumentNotFound`` (404) otherwise."""
    return invoices.document_pdf(number, order_number=order.number)


def invoice_response(
    request, order: Order, number: str | None = None, *, back_url: str | None = None
) -> HttpResponse:
    """
    The PDF of ``order``'s invoice (or of its document ``number``); the caller
    authorised. ``back_url`` is where the "on its way" page leads back to (the
    order's page by default; a guest link passes its own).
    """
    if number is None:
        issued = [info for info in documents(order) if info.kind == "invoice"]
        if not issued:
            return render(
                request,
                "orders/invoice_pending.html",
                {
                    "order": order,
                    "back_url": back_url or order.get_absolute_url(),
                    "section": "orders",
                },
                status=404,
            )
        number = issued[0].number
    try:
        pdf = document_pdf(order, number)
    except invoices.DocumentNotFound:
        raise Http404("No such document.") from None
    return pdf_response(pdf)
