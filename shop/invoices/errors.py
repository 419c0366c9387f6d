"""The refusals of the invoices service, each with a stable ``code``."""

from shop.core.errors import Conflict, NotFound, ShopError


class InvalidDocumentRequest(ShopError):
    """Lines or totals that do not add up, an empty order number, a credit above what is left."""

    code = "invalid_document_request"
    default_detail = "The invoice or credit note was asked with figures that do not add up."


class DocumentNotFound(NotFound):
    """No invoice or credit note has this number (or none was issued for the order yet)."""

    code = "document_not_found"
    default_detail = "No invoice or credit note has this number."


class InvoiceNotIssued(Conflict):
    """A credit note for an order whose invoice was not issued: issue the invoice first."""

    code = "invoice_not_issued"
    default_detail = "The order has no invoice yet, so nothing can be credited."
