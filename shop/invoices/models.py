"""
The invoices service's data: invoices and credit notes, each a frozen
snapshot (seller, buyer, lines, totals) under a number from a gap-free
sequence per series and year. Orders are referred to by their number, never
by a key into orders' tables.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

MONEY = {"max_digits": 12, "decimal_places": 2}


class OutboxMessage(BaseOutboxMessage):
    """Events the invoices service publishes (none yet)."""


class InboxMessage(BaseInboxMessage):
    """Events the invoices service's consumers have acted on (none yet)."""


class NumberSequence(models.Model):
    """
    The last number given in a ``series`` ("INV", "CN") in a ``year``. It is
    moved on in the transaction that inserts the document (``numbering``),
    so a number is given only with its document, and two documents never
    share one.
    """

    series = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="invoices_sequence_per_year"),
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class Document(models.Model):
    """
    What an invoice and a credit note share: the number (``series``, ``year``,
    ``sequence`` and the whole ``number`` as printed), the date, the seller as
    the settings said at issue, the buyer, the lines (``[{sku, name, quantity,
    unit_price, rate, net, tax, gross}]``), charges (shipping) and totals per
    rate as JSON with amounts as strings, and the grand totals.
    """

    number = models.CharField(max_length=30, unique=True)
    series = models.CharField(max_length=10, editable=False)
    year = models.PositiveIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    order_number = models.CharField(max_length=20, db_index=True)
    issued_at = models.DateTimeField()
    issued_on = models.DateField()
    currency = models.CharField(max_length=3)
    tax_country = models.CharField(max_length=2, blank=True)
    prices_include_tax = models.BooleanField(default=True)
    seller = models.JSONField(help_text="name, address (lines), vat_number, email at issue.")
    buyer = models.JSONField(help_text="name and address lines, country, email.")
    lines = models.JSONField(default=list)
    charges = models.JSONField(default=list)
    totals = models.JSONField(default=list)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)

    class Meta:
        abstract = True
        ordering = ["-year", "-sequence"]

    def __str__(self):
        return self.number

    @property
    def rate_totals(self) -> list[dict]:
        return [{key: Decimal(value) for key, value in row.items()} for row in self.totals]

    @property
    def untaxed(self) -> bool:
        """Nothing charged: shipped outside the tax zone (the PDF says why)."""
        return not self.tax and not any(Decimal(row["rate"]) for row in self.totals)

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


class Invoice(Document):
    """The invoice of a paid order: one per order (``order_number`` unique)."""

    supplied_on = models.DateField(help_text="The day the order was paid (the date of supply).")
    payments = models.JSONField(
        default=list, blank=True, help_text="[{method, amount}]: how it was paid, when split."
    )

    class Meta(Document.Meta):
        constraints = [
            models.UniqueConstraint(fields=["order_number"], name="invoices_one_per_order"),
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="invoices_invoice_number_once"
            ),
        ]


class CreditNote(Document):
    """
    What a refund gave back, correcting ``invoice``: one per refund
    (``refund_ref``, the refund's id at payments). Amounts are positive.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    refund_ref = models.CharField(max_length=150, unique=True)
    reason = models.CharField(max_length=255, blank=True)

    class Meta(Document.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="invoices_creditnote_number_once"
            ),
            models.CheckConstraint(condition=Q(gross__gt=0), name="invoices_credit_positive"),
        ]
