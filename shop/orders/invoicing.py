"""
The order's invoice and credit notes, issued by the invoices service from
what the order froze (decision 0025). Orders builds the requests here: each
line's and the shipping's net, rate, tax and gross as the checkout taxed
them, the totals per rate; for a refund, what went back and its tax.

Both calls are idempotent at invoices (by order number, by refund id), so the
consumers that make them (``orders.issue_invoice``, ``orders.issue_credit_note``)
and the confirmation email, which issues the invoice itself to attach it, may
run in any order and any number of times.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from shop.core.money import quantize
from shop.invoices import public as invoices

from . import selectors
from .models import Order, RefundRequest
from .services.refunds import refunded_tax

logger = logging.getLogger(__name__)


def _line(line) -> invoices.DocumentLine:
    gross = line.line_total
    return invoices.DocumentLine(
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        rate=line.tax_rate,
        net=gross - line.tax,
        tax=line.tax,
        gross=gross,
        discount=line.discount,
    )


def _shipping(order: Order) -> invoices.ChargeLine | None:
    if not order.shipping_cost:
        return None
    name = order.shipping_method_name or order.shipping_method or "Shipping"
    return invoices.ChargeLine(
        name=f"Shipping: {name}",
        rate=order.shipping_tax_rate,
        net=order.shipping_cost - order.shipping_tax,
        tax=order.shipping_tax,
        gross=order.shipping_cost,
    )


def _totals(items) -> tuple[invoices.RateTotal, ...]:
    sums: dict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for item in items:
        for index, amount in enumerate((item.net, item.tax, item.gross)):
            sums[item.rate][index] += amount
    return tuple(
        invoices.RateTotal(rate=rate, net=net, tax=tax, gross=gross)
        for rate, (net, tax, gross) in sorted(sums.items(), reverse=True)
    )


def invoice_request(order: Order) -> invoices.InvoiceRequest:
    address = order.shipping_address or {}
    lines = tuple(_line(line) for line in order.lines.all())
    shipping = _shipping(order)
    totals = _totals((*lines, *([shipping] if shipping else [])))
    return invoices.InvoiceRequest(
        order_number=order.number,
        currency=order.currency,
        tax_country=order.tax_country or address.get("country", ""),
        prices_include_tax=order.prices_include_tax,
        buyer=invoices.BuyerAddress(
            **{
                key: str(address.get(source) or "")
                for key, source in (
                    ("name", "full_name"),
                    ("line1", "line1"),
                    ("line2", "line2"),
                    ("postal_code", "postal_code"),
                    ("city", "city"),
                    ("region", "region"),
                    ("country", "country"),
                )
            }
        ),
        buyer_email=order.email,
        lines=lines,
        shipping=shipping,
        totals=totals,
        net=sum((total.net for total in totals), Decimal(0)),
        tax=sum((total.tax for total in totals), Decimal(0)),
        gross=sum((total.gross for total in totals), Decimal(0)),
        paid_at=order.placed_at,
        payments=_paid_with(order),
    )


def _paid_with(order: Order) -> tuple:
    """A gift card's part and the rest by card (decision 0030); nothing when all went by card."""
    if not order.gift_card_amount:
        return ()
    parts = [invoices.PaidWith(f"gift card {order.gift_card_code}", order.gift_card_amount)]
    if order.card_payment:
        parts.append(invoices.PaidWith("card", order.card_payment))
    return tuple(parts)


def issue_invoice(number: str) -> invoices.DocumentInfo:
    """The order's invoice, issued now or before (the consumer of ``orders.OrderPlaced``)."""
    order = selectors.order_with_lines(number)
    if order is None:
        raise Order.DoesNotExist(f"No order {number!r}.")
    return invoices.issue_invoice(invoice_request(order))


def invoice_for_email(order: Order) -> invoices.DocumentPdf | None:
    """
    The invoice's PDF to attach to the confirmation, issuing it first if the
    ``orders.issue_invoice`` consumer has not yet. Nothing (logged) when the
    invoices service fails: the mail still goes, with the link to the
    invoice's page, which serves it once the consumer's retry has issued it.
    """
    try:
        info = invoices.issue_invoice(invoice_request(order))
        return invoices.document_pdf(info.number, order_number=order.number)
    except Exception:
        logger.exception("No invoice to attach to order %s's confirmation", order.number)
        return None


def _refund_tax(order: Order, amount: Decimal, recorded: Decimal | None) -> Decimal:
    """The tax the refund request recorded (decision 0021), else its share of the order's."""
    tax = recorded if recorded is not None else refunded_tax(order, amount)
    return min(tax, amount)


def _split(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """``amount`` shared by ``weights``, rounded per share, the last one taking the rest."""
    whole = sum(weights, Decimal(0))
    if not whole:
        return [Decimal(0)] * len(weights)
    shares = [quantize(amount * weight / whole, currency) for weight in weights[:-1]]
    return [*shares, amount - sum(shares, Decimal(0))]


def _item_charges(order: Order, request: RefundRequest) -> tuple[invoices.ChargeLine, ...]:
    """A refund of items: one charge per rate the items were taxed at, naming its items."""

    def items_at(rate: Decimal) -> str:
        return ", ".join(
            f"{line['quantity']} \N{MULTIPLICATION SIGN} {line['name']}"
            for line in request.lines
            if Decimal(line.get("rate", rate)) == rate
        )

    charges = []
    for row in sorted(request.rates, key=lambda row: Decimal(row["rate"]), reverse=True):
        rate, gross, tax = Decimal(row["rate"]), Decimal(row["gross"]), Decimal(row["tax"])
        if gross:
            charges.append(
                invoices.ChargeLine(
                    name=f"Returned: {items_at(rate)}"[:200],
                    rate=rate,
                    net=gross - tax,
                    tax=tax,
                    gross=gross,
                )
            )
    return tuple(charges)


def credit_note_request(
    order: Order,
    *,
    refund_id: str,
    amount: Decimal,
    request: RefundRequest | None = None,
) -> invoices.CreditNoteRequest:
    """
    The credit note of a refund: a refund of the whole order credits each of
    its lines and the shipping; a refund of items as one charge per rate the
    items were taxed at, as its request recorded them; another part as one
    charge per rate the order was taxed at, the amount shared by the rates'
    gross and the refund's tax (as recorded on its request) by the rates' tax.
    """
    invoice = invoice_request(order)
    if amount >= order.total:
        lines, charges = invoice.lines, ((invoice.shipping,) if invoice.shipping else ())
    elif request is not None and request.rates:
        lines, charges = (), _item_charges(order, request)
    else:
        rates = [total for total in invoice.totals if total.gross] or list(invoice.totals)
        tax = _refund_tax(order, amount, request.tax if request is not None else None)
        grosses = _split(amount, [total.gross for total in rates], order.currency)
        taxes = _split(tax, [total.tax for total in rates], order.currency)
        several = len(rates) > 1
        lines = ()
        charges = tuple(
            invoices.ChargeLine(
                name=f"Refund for order {order.number}"
                + (f", goods at {total.rate.normalize():f} % VAT" if several else ""),
                rate=total.rate,
                net=gross - share,
                tax=share,
                gross=gross,
            )
            for total, gross, share in zip(rates, grosses, taxes, strict=True)
            if gross
        )
    totals = _totals((*lines, *charges))
    return invoices.CreditNoteRequest(
        order_number=order.number,
        refund_ref=refund_id,
        currency=order.currency,
        lines=lines,
        charges=charges,
        totals=totals,
        net=sum((total.net for total in totals), Decimal(0)),
        tax=sum((total.tax for total in totals), Decimal(0)),
        gross=sum((total.gross for total in totals), Decimal(0)),
        refunded_at=timezone.now(),
        reason=request.reason if request is not None else "",
    )


def issue_credit_note(number: str, *, refund_id: str, amount: Decimal) -> invoices.DocumentInfo:
    """
    The credit note of refund ``refund_id`` (the consumer of ``orders.OrderRefunded``),
    after the order's invoice, which it issues first if need be: events come in any order.
    """
    order = Order.objects.prefetch_related("lines").get(number=number)
    invoices.issue_invoice(invoice_request(order))
    request = RefundRequest.objects.filter(order=order, refund_id=refund_id).first()
    return invoices.issue_credit_note(
        credit_note_request(order, refund_id=refund_id, amount=amount, request=request)
    )
