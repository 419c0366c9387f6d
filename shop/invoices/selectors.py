"""Read logic of invoices: an order's documents, one document by number."""

from .errors import DocumentNotFound
from .models import CreditNote, Document, Invoice


def documents_for_order(order_number: str) -> list[Document]:
    """The order's invoice, then its credit notes in the order they were issued (two queries)."""
    invoice = Invoice.objects.filter(order_number=order_number).first()
    if invoice is None:
        return []
    notes = CreditNote.objects.filter(invoice=invoice).order_by("year", "sequence")
    return [invoice, *(_with_invoice(note, invoice) for note in notes)]


def _with_invoice(note: CreditNote, invoice: Invoice) -> CreditNote:
    note.invoice = invoice
    return note


def document(number: str, order_number: str | None = None) -> Document:
    """The invoice or credit note ``number`` (of ``order_number`` when given), else 404."""
    model = CreditNote if number.upper().startswith("CN-") else Invoice
    documents = model.objects.filter(number=number.upper())
    if model is CreditNote:
        documents = documents.select_related("invoice")
    if order_number is not None:
        documents = documents.filter(order_number=order_number)
    found = documents.first()
    if found is None:
        raise DocumentNotFound(f"No invoice or credit note {number!r}.", number=number)
    return found
