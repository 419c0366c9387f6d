"""
The dashboard's tables: one definition each, which the page shows and the
CSV download writes, so the two never disagree. A cell keeps its value's
type (``Decimal``, ``int``, ``date``, ``datetime``, ``str``): the page
formats it (money in the shop's currency, local times), the CSV writes
numbers as numbers and text spreadsheet-safe (``shop.core.exports``,
decision 0017), so a product named ``=HYPERLINK(…)`` is text in Excel.

The page shows the first ``shown`` rows of a table; its CSV has every row
(every product and category sold; the refunds, flagged payments and
low-stock variants the dashboard lists).
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from shop.core.exports import neutralise
from shop.core.money import format_money

from .figures import SalesReport

TOP = 10

Kind = str  # "text", "count", "money", "day", "moment"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Cell:
    value: str | int | Decimal | date | datetime | None
    # An admin page about the cell's thing (an order, a payment, a variant), if any.
    link: str = ""


@dataclass
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    shown: int | None = None
    note: str = ""

    @property
    def shown_rows(self) -> list[tuple[Cell, ...]]:
        return self.rows if self.shown is None else self.rows[: self.shown]


def display(cell: Cell, column: Column, currency: str) -> str:
    """How the page writes a cell."""
    value = cell.value
    if value is None or value == "":
        return "—"
    if column.kind == "money":
        return format_money(value, currency)
    if column.kind == "count":
        return f"{value:,}"
    if column.kind == "moment":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if column.kind == "day":
        return value.isoformat()
    return str(value)


def csv_value(cell: Cell):
    """How the CSV writes a cell: numbers and days as they are, local times, safe text."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def write_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.name for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(cell) for cell in row])
    return out.getvalue()


def _search(model: str, text: str, may_view: Callable[[str], bool]) -> str:
    """The admin list of ``model`` ("orders.order") searched for ``text``, if staff may see it."""
    if not text or not may_view(model):
        return ""
    app_label, model_name = model.split(".")
    return f"{reverse(f'admin:{app_label}_{model_name}_changelist')}?{urlencode({'q': text})}"


STATUS_NAMES = {
    "paid": "Paid",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "pending": "Pending",
    "succeeded": "Succeeded",
    "failed": "Failed",
    "canceled": "Canceled",
    "partially_refunded": "Partially refunded",
}


def _status(code: str) -> str:
    return STATUS_NAMES.get(code, code)


def tables(report: SalesReport, may_view: Callable[[str], bool]) -> dict[str, Table]:
    """
    Every table of ``report`` by slug; ``may_view("orders.order")`` says
    whether the member of staff may open that admin list (cells link to it).
    """
    money = ("Revenue", "Refunded", "Net revenue")
    found = [
        Table(
            "daily",
            "Revenue and orders per day",
            (Column("Day", "day"), Column("Orders", "count"), *(Column(m, "money") for m in money)),
            [
                (Cell(day), Cell(s.orders), Cell(s.revenue), Cell(s.refunded), Cell(s.net))
                for day, s in report.days
            ],
        ),
        Table(
            "statuses",
            "Orders by status",
            (Column("Status"), Column("Orders", "count"), *(Column(m, "money") for m in money)),
            [
                (
                    Cell(_status(code)),
                    Cell(s.orders),
                    Cell(s.revenue),
                    Cell(s.refunded),
                    Cell(s.net),
                )
                for code, s in report.statuses
            ],
        ),
        Table(
            "products",
            "Top products",
            (
                Column("Product"),
                Column("Category"),
                Column("Units", "count"),
                Column("Revenue", "money"),
            ),
            [
                (Cell(p.name), Cell(p.category), Cell(p.units), Cell(p.revenue))
                for p in report.products
            ],
            shown=TOP,
            note="Orders cancelled or refunded in full are left out: their goods went back.",
        ),
        Table(
            "categories",
            "Top categories",
            (
                Column("Category"),
                Column("Products", "count"),
                Column("Units", "count"),
                Column("Revenue", "money"),
            ),
            [
                (Cell(c.name), Cell(c.products), Cell(c.units), Cell(c.revenue))
                for c in report.categories
            ],
            shown=TOP,
        ),
        Table(
            "refund-totals",
            "Refunds asked for in the period, by status",
            (Column("Status"), Column("Refunds", "count"), Column("Amount", "money")),
            [
                (Cell(_status(t.status)), Cell(t.refunds), Cell(t.amount))
                for t in report.refund_totals
            ],
        ),
        _payments_table(
            "refunds",
            "Refunds asked for in the period",
            ("Asked at", "Reason"),
            [(r, r.entry.reason) for r in report.refunds],
            "payments.refund",
            may_view,
        ),
        _payments_table(
            "flagged",
            "Flagged payments",
            ("Created at", "Why"),
            [(f, f.entry.flag_reason) for f in report.flagged],
            "payments.payment",
            may_view,
        ),
        Table(
            "low-stock",
            "Low stock",
            (
                Column("SKU"),
                Column("Variant"),
                Column("Available", "count"),
                Column("On hand", "count"),
                Column("Held by checkouts", "count"),
            ),
            [
                (
                    Cell(v.sku, _search("catalog.variant", v.sku, may_view)),
                    Cell(v.name),
                    Cell(v.available),
                    Cell(v.stock_on_hand),
                    Cell(v.reserved),
                )
                for v in (report.low_stock.variants if report.low_stock else ())
            ],
        ),
        Table(
            "parked",
            "Parked events",
            (
                Column("Service"),
                Column("Event"),
                Column("Parked", "count"),
                Column("Oldest", "moment"),
                Column("Last parked", "moment"),
            ),
            [
                (
                    Cell(p.service),
                    Cell(p.event_name, _parked_link(p.service, may_view)),
                    Cell(p.count),
                    Cell(p.oldest_created_at),
                    Cell(p.last_parked_at),
                )
                for p in report.parked
            ],
        ),
    ]
    return {table.slug: table for table in found}


def _payments_table(slug, title, names, entries, model, may_view) -> Table:
    """Refunds or payments, each with its order: when, order, payment, amount, status, why."""
    when, why = names
    return Table(
        slug,
        title,
        (
            Column(when, "moment"),
            Column("Order"),
            Column("Payment"),
            Column("Amount", "money"),
            Column("Status"),
            Column(why),
        ),
        [
            (
                Cell(listed.entry.created_at),
                Cell(listed.order, _search("orders.order", listed.order, may_view)),
                Cell(listed.entry.reference, _search(model, listed.entry.reference, may_view)),
                Cell(listed.entry.amount),
                Cell(_status(listed.entry.status)),
                Cell(text),
            )
            for listed, text in entries
        ],
    )


def _parked_link(service: str, may_view: Callable[[str], bool]) -> str:
    if not may_view(f"{service}.outboxmessage"):
        return ""
    return f"{reverse(f'admin:{service}_outboxmessage_changelist')}?state=parked"


SLUGS = (
    "daily",
    "statuses",
    "products",
    "categories",
    "refund-totals",
    "refunds",
    "flagged",
    "low-stock",
    "parked",
)
