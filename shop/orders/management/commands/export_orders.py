"""
``manage.py export_orders --since 2026-11-01 [--until 2026-11-30] [--output FILE]``

One CSV row per order line, with the order's figures repeated on each of its
rows: what a spreadsheet or an accounting import needs to sum by SKU, by day
or by order without a second file. Customers appear by id, not by name or
email. Rows are streamed from the database in chunks, so the export's memory
use does not grow with the number of orders.

``--since`` and ``--until`` take a date (whole days in the shop's time zone,
``--until`` included) or an ISO datetime (``--until`` excluded).
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from shop.core.exports import STDOUT, ExportCommand
from shop.orders import refund_taxes, selectors

COLUMNS = (
    "order_number",
    "placed_at",
    "status",
    "customer_id",
    "currency",
    "shipping_method",
    "shipping_country",
    "order_subtotal",
    "order_shipping",
    "order_total",
    "order_refunded",
    "sku",
    "product_name",
    "variant_name",
    "unit_price",
    "quantity",
    "line_total",
    # Taxes (decision 0021): the order's, then the line's; then one pair of
    # columns per rate charged in the period (order_net_19, order_tax_19, …).
    "tax_country",
    "order_net_total",
    "order_tax_total",
    "order_shipping_tax_rate",
    "order_shipping_tax",
    "line_tax_class",
    "line_tax_rate",
    "line_net",
    "line_tax",
    # What the order's confirmed refunds gave back, net and the tax inside
    # (their share of the order's tax); per rate in order_refunded_net_19 ….
    "order_refunded_net",
    "order_refunded_tax",
    # The voucher (decision 0028): its code, what it took off the order in all
    # and off shipping, and off this line (line_total, net and tax are after it).
    "order_voucher_code",
    "order_discount_total",
    "order_shipping_discount",
    "line_discount",
    # The gift card that paid (decision 0030): its masked code, what it paid,
    # what the payment provider was asked for, and what went back on the card.
    "order_gift_card_code",
    "order_gift_card_amount",
    "order_card_payment",
    "order_gift_card_refunded",
)
CHUNK = 2000


def rate_label(rate) -> str:
    """19.00 -> "19", 5.50 -> "5.5"."""
    return f"{rate.normalize():f}"


def rate_columns(rates) -> list[str]:
    return [f"order_{kind}_{rate_label(rate)}" for rate in rates for kind in ("net", "tax")]


def refunded_columns(rates) -> list[str]:
    return [
        f"order_refunded_{kind}_{rate_label(rate)}" for rate in rates for kind in ("net", "tax")
    ]


def rate_cells(order, rates) -> list:
    by_rate = {row["rate"]: row for row in order.rate_totals}
    cells = []
    for rate in rates:
        found = by_rate.get(rate)
        cells += [found["net"], found["tax"]] if found else [0, 0]
    return cells


class Refunded:
    """An order's confirmed refunds, net and tax, overall and per rate (worked out once)."""

    def __init__(self):
        self.order_id, self.figures = None, None

    def of(self, order) -> tuple[Decimal, Decimal, dict]:
        if order.pk != self.order_id:
            net, tax, by_rate = Decimal(0), Decimal(0), {}
            for refund in refund_taxes.refunds_of(order):
                net, tax = net + refund.net, tax + refund.tax
                for row in refund.rates:
                    was = by_rate.get(row.rate, (Decimal(0), Decimal(0)))
                    by_rate[row.rate] = (was[0] + row.net, was[1] + row.tax)
            self.order_id, self.figures = order.pk, (net, tax, by_rate)
        return self.figures

    def totals(self, order) -> list:
        net, tax, _ = self.of(order)
        return [net, tax]

    def per_rate(self, order, rates) -> list:
        by_rate = self.of(order)[2]
        return [cell for rate in rates for cell in by_rate.get(rate, (0, 0))]


def parse_moment(value: str, *, end: bool = False) -> datetime:
    """A date is the start of that day (the start of the next with ``end``); else a datetime."""
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = None if day else parse_datetime(value)
    except ValueError:
        day = moment = None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
        return timezone.make_aware(moment)
    if moment is None:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO datetime.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def voucher_cells(line) -> list:
    order = line.order
    return [
        order.voucher_code,
        order.discount_total,
        order.shipping_discount,
        line.discount,
        order.gift_card_code,
        order.gift_card_amount,
        order.card_payment,
        order.gift_card_refunded,
    ]


def row(line) -> list:
    order = line.order
    return [
        order.number,
        order.placed_at.isoformat(),
        order.status,
        order.user_id,
        order.currency,
        order.shipping_method,
        (order.shipping_address or {}).get("country", ""),
        order.subtotal,
        order.shipping_cost,
        order.total,
        order.refunded_amount,
        line.sku,
        line.product_name,
        line.variant_name,
        line.unit_price,
        line.quantity,
        line.line_total,
        order.tax_country,
        order.net_total,
        order.tax_total,
        order.shipping_tax_rate,
        order.shipping_tax,
        line.tax_class,
        line.tax_rate,
        line.net,
        line.tax,
    ]


class Command(ExportCommand):
    help = (
        "Export the orders placed in a period as CSV, one row per order line "
        "(to standard output, or to --output)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--since", required=True, help="YYYY-MM-DD or an ISO datetime.")
        parser.add_argument("--until", help="YYYY-MM-DD (included) or an ISO datetime (excluded).")
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--output", default=STDOUT, help="A file to write; - for stdout.")

    def handle(self, *args, since, until, output, no_progress, verbosity, **options):
        start = parse_moment(since)
        end = parse_moment(until, end=True) if until else None
        if end is not None and end <= start:
            raise CommandError("--until must be after --since.")
        lines = selectors.order_lines_placed_between(start, end)
        progress = self.progress_bar(
            lines.count(), "line", no_progress=no_progress, verbosity=verbosity
        )
        rates = selectors.tax_rates_of(lines)
        refunded = Refunded()
        rows = (
            row(line)
            + refunded.totals(line.order)
            + voucher_cells(line)
            + rate_cells(line.order, rates)
            + refunded.per_rate(line.order, rates)
            for line in lines.prefetch_related("order__refund_requests").iterator(chunk_size=CHUNK)
        )
        columns = (*COLUMNS, *rate_columns(rates), *refunded_columns(rates))
        count = self.write_csv(output, columns, rows, progress=progress)
        self.report(output, count, "order line(s)", verbosity)
