"""
The plain data the invoices service's public functions take and return:
frozen dataclasses of the standard library's types only. Rates are
percentages (``Decimal("19.00")`` is 19 %); amounts are in ``currency``, and
on every line and total ``net + tax == gross`` to the cent.
"""

import base64
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["invoice", "credit_note"]


@dataclass(frozen=True)
class BuyerAddress:
    """Who is invoiced: the name and postal address the order ships to."""

    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    region: str
    country: str


@dataclass(frozen=True)
class DocumentLine:
    """
    One line: ``unit_price`` as the catalog states it (gross or net, as the
    request's ``prices_include_tax`` says), ``net``, ``tax`` and ``gross`` for
    the whole quantity, after ``discount`` (what a voucher took off the line
    before tax; printed under the item).
    """

    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    discount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class ChargeLine:
    """A charge that is not goods: the shipping (or, on a credit note, a share of the order)."""

    name: str
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class RateTotal:
    """The lines and charges at one ``rate``, added up."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class PaidWith:
    """One means the order was paid with, as the invoice prints it ("Gift card ••••ABCD")."""

    method: str
    amount: Decimal


@dataclass(frozen=True)
class InvoiceRequest:
    """
    The invoice of a paid order, issued once per ``order_number``. ``totals``
    has one entry per rate (highest first) and adds up to ``net``, ``tax`` and
    ``gross`` with the lines and the shipping. ``tax_country`` is where the
    order ships: no tax there (``tax == 0``) prints the export note.
    ``paid_at`` is the date of supply.
    """

    order_number: str
    currency: str
    tax_country: str
    prices_include_tax: bool
    buyer: BuyerAddress
    buyer_email: str
    lines: tuple[DocumentLine, ...]
    shipping: ChargeLine | None
    totals: tuple[RateTotal, ...]
    net: Decimal
    tax: Decimal
    gross: Decimal
    paid_at: datetime
    # How it was paid when more than one way (a gift card and the rest by card);
    # empty: all of it through the payment provider.
    payments: tuple[PaidWith, ...] = ()


@dataclass(frozen=True)
class CreditNoteRequest:
    """
    What a refund gave back for ``order_number``, credited once per
    ``refund_ref``: the lines (all of the invoice's for a full refund, a
    charge per rate for a part), their totals and the refund's ``reason``.
    Positive amounts: a credit note says it gives them back.
    """

    order_number: str
    refund_ref: str
    currency: str
    lines: tuple[DocumentLine, ...]
    charges: tuple[ChargeLine, ...]
    totals: tuple[RateTotal, ...]
    net: Decimal
    tax: Decimal
    gross: Decimal
    refunded_at: datetime
    reason: str


@dataclass(frozen=True)
class DocumentInfo:
    """
    An issued invoice (``INV-2026-00001``) or credit note (``CN-2026-00001``,
    with the ``invoice_number`` it corrects). ``issued_on`` is its date.
    """

    number: str
    kind: DocumentKind
    order_number: str
    invoice_number: str
    refund_ref: str
    issued_on: date
    issued_at: datetime
    currency: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    filename: str


@dataclass(frozen=True)
class DocumentPdf:
    """A document's PDF, base64 so it travels as JSON too; ``content`` gives the bytes."""

    number: str
    filename: str
    content_base64: str

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.content_base64)
