"""
What a refund gave back per tax rate, for the customer's order page, the
refund email, the orders API and ``export_orders`` (issue 16).

A refund request records the tax inside it (``RefundRequest.tax``, its share
of the order's tax, decision 0021); nothing records it per rate, and nothing
needs to: the order froze its totals per rate, so a refund's gross and tax
are shared among the rates in proportion to them, each share rounded to the
cent with the remainders given to the largest fractions, so the rows add up
exactly to the refund's gross and recorded tax. Net is gross minus tax, per
rate. Recomputed from frozen figures, it reads the same every time. A refund
of items records its own rows (``RefundRequest.rates``: the items' rates),
and those are shown as recorded.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from shop.core.money import minor_unit_exponent, quantize

from .models import Order, RefundRequest

SUCCEEDED, FAILED = "succeeded", "failed"


@dataclass(frozen=True)
class RefundedRate:
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class RefundTax:
    """One refund: ``gross`` given back, ``tax`` inside it, ``rates`` the split (highest first)."""

    refund_id: str
    requested_at: object
    gross: Decimal
    tax: Decimal
    net: Decimal
    rates: tuple[RefundedRate, ...]
    prices_include_tax: bool
    # Put back on the gift card that paid (decision 0030), not through payments.
    to_gift_card: bool = False


def share(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """``total`` shared in proportion to ``weights``, in whole cents adding up to ``total``."""
    whole = sum(weights, Decimal(0))
    if not weights or not whole:
        return [quantize(0, currency) for _ in weights]
    unit = Decimal(1).scaleb(-minor_unit_exponent(currency))
    exact = [total * weight / whole for weight in weights]
    parts = [(value / unit).to_integral_value(ROUND_FLOOR) * unit for value in exact]
    left = int(((total - sum(parts, Decimal(0))) / unit).to_integral_value())
    by_fraction = sorted(range(len(parts)), key=lambda i: exact[i] - parts[i], reverse=True)
    for index in by_fraction[:left]:
        parts[index] += unit
    return [quantize(part, currency) for part in parts]


def split(order: Order, gross: Decimal, tax: Decimal) -> tuple[RefundedRate, ...]:
    """A refund of ``gross`` with ``tax`` inside, per rate the order was taxed at."""
    rows = order.rate_totals
    if not rows or not order.tax_total:
        return ()
    grosses = share(gross, [row["gross"] for row in rows], order.currency)
    taxes = share(tax, [row["tax"] for row in rows], order.currency)
    return tuple(
        RefundedRate(rate=row["rate"], net=g - t, tax=t, gross=g)
        for row, g, t in zip(rows, grosses, taxes, strict=True)
        if g or t
    )


def _tax_of(order: Order, gross: Decimal, request: RefundRequest | None) -> Decimal:
    if request is not None and request.tax is not None:
        return request.tax
    if not order.tax_total or not order.total:
        return quantize(0, order.currency)
    return quantize(min(gross, order.total) * order.tax_total / order.total, order.currency)


def _recorded_rates(request: RefundRequest | None) -> tuple[RefundedRate, ...] | None:
    """A refund of items recorded its own gross and tax per rate; others share the order's."""
    if request is None or not request.rates:
        return None
    rows = []
    for row in request.rates:
        gross, tax = Decimal(row["gross"]), Decimal(row["tax"])
        rows.append(RefundedRate(rate=Decimal(row["rate"]), net=gross - tax, tax=tax, gross=gross))
    return tuple(sorted(rows, key=lambda row: row.rate, reverse=True))


def _refund(order: Order, gross: Decimal, request: RefundRequest | None, refund_id: str):
    gross = quantize(gross, order.currency)
    tax = _tax_of(order, gross, request)
    rates = _recorded_rates(request)
    return RefundTax(
        refund_id=refund_id,
        requested_at=request.requested_at if request is not None else None,
        gross=gross,
        tax=tax,
        net=gross - tax,
        rates=rates if rates is not None else split(order, gross, tax),
        prices_include_tax=order.prices_include_tax,
        to_gift_card=request is not None and request.to_gift_card,
    )


def _gross_of(order: Order, request: RefundRequest, requests: list[RefundRequest]) -> Decimal:
    """A request's amount; "the rest" (no amount) is what the others left of the total."""
    if request.amount is not None:
        return request.amount
    others = (r.amount for r in requests if r.pk != request.pk and r.amount is not None)
    return max(order.total - sum(others, Decimal(0)), Decimal(0))


def _requests(order: Order) -> list[RefundRequest]:
    """Its refund requests not refused, oldest first (as prefetched; one query otherwise)."""
    requests = [r for r in order.refund_requests.all() if r.status != FAILED]
    return sorted(requests, key=lambda r: (r.requested_at, r.pk))


def refunds_of(order: Order) -> list[RefundTax]:
    """The refunds the payment provider confirmed, oldest first."""
    requests = _requests(order)
    return [
        _refund(order, _gross_of(order, r, requests), r, r.refund_id)
        for r in requests
        if r.status == SUCCEEDED
    ]


def of_request(request: RefundRequest) -> RefundTax:
    """What ``request`` gives back (or gave, or would have), per rate: for staff."""
    order = request.order
    return _refund(order, _gross_of(order, request, _requests(order)), request, request.refund_id)


def refund_of(order: Order, refund_id: str, amount: Decimal) -> RefundTax:
    """The refund ``refund_id`` of ``amount`` (as payments reported it), per rate."""
    request = next((r for r in order.refund_requests.all() if r.refund_id == refund_id), None)
    return _refund(order, amount, request, refund_id)
