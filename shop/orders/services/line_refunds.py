"""
Refunds of items: staff give back some units of an order's lines (a return)
and the customer gets exactly what was paid for them, after the voucher and
at their own tax rate, never more. Each line counts the units given back
(``OrderLine.refunded_quantity``), so a line is never refunded twice over.

What ``k`` more units of a line cost is the difference of two cumulative
shares of the line's total, ``round(total * (r + k) / n) - round(total * r / n)``
(``r`` units given back already, ``n`` bought): the parts add up to the
line's total to the cent once every unit is back, whatever the order in
which they came back. The money goes back like any refund
(``refunds.refund_order``: on the gift card first, then through payments),
carrying its gross and tax per rate (``refunds.ItemRefund``).
"""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from shop.core.money import quantize
from shop.payments import public as payments

from ..db import db
from ..errors import InvalidRefund, InvalidTransition
from ..models import Order, OrderLine, RefundRequest
from . import refunds
from .lifecycle import lock_order


def _share(amount: Decimal, units: int, quantity: int, currency: str) -> Decimal:
    return quantize(amount * units / quantity, currency)


def _units(quantities: Mapping) -> dict[int, int]:
    try:
        wanted = {int(line): int(units) for line, units in quantities.items()}
    except (TypeError, ValueError, AttributeError):
        raise InvalidRefund("Give each line's id and the units to refund.") from None
    wanted = {line: units for line, units in wanted.items() if units}
    if not wanted or any(units < 0 for units in wanted.values()):
        raise InvalidRefund("Choose at least one unit to refund.")
    return wanted


def _returned(order: Order, wanted: dict[int, int]) -> tuple[Decimal, refunds.ItemRefund, list]:
    """The amount, the rates and the lines of giving back ``wanted`` units, checked."""
    lines = {line.pk: line for line in order.lines.all()}
    currency = order.currency
    total = Decimal(0)
    rates: dict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    returned, changed = [], []
    for line_id, units in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise InvalidRefund(f"Order {order.number} has no line {line_id}.")
        if line.gift_card:
            raise InvalidRefund(
                f"{line.name} is a gift card: refund it with its cards "
                "(refunds.refund_gift_card_line), which voids what is left on them."
            )
        left = line.quantity - line.refunded_quantity
        if units > left:
            raise InvalidRefund(
                f"{line.name}: at most {left} of {line.quantity} can be refunded.", left=left
            )
        before, after = line.refunded_quantity, line.refunded_quantity + units
        gross = _share(line.line_total, after, line.quantity, currency) - _share(
            line.line_total, before, line.quantity, currency
        )
        tax = _share(line.tax, after, line.quantity, currency) - _share(
            line.tax, before, line.quantity, currency
        )
        total += gross
        rates[line.tax_rate][0] += gross
        rates[line.tax_rate][1] += tax
        returned.append(
            {
                "line": line.pk,
                "sku": line.sku,
                "name": line.name,
                "quantity": units,
                "rate": str(line.tax_rate),
            }
        )
        line.refunded_quantity = after
        changed.append(line)
    items = refunds.ItemRefund(
        rates=tuple(
            {"rate": str(rate), "gross": str(gross), "tax": str(tax)}
            for rate, (gross, tax) in sorted(rates.items(), reverse=True)
        ),
        lines=tuple(returned),
    )
    return total, items, changed


def refund_lines(
    number: str, quantities: Mapping, *, actor: str, key: str, reason: str = ""
) -> RefundRequest:
    """
    Give back ``quantities`` ({line id: units}) of order ``number``'s lines.
    ``key`` names the refund as for ``refund_order``: the same key again
    resumes or returns it and counts no unit twice. Raises ``InvalidRefund``
    (a line not of the order, more units than are left, nothing chosen) and
    whatever ``refund_order`` raises; a refund refused as a whole gives the
    units back to the lines.
    """
    wanted = _units(quantities)
    refund_key = f"order:{number}:refund:{key}"
    with db.atomic():
        order = lock_order(number)
        asked = list(
            RefundRequest.objects.filter(
                key__in=(refund_key, refunds.card_key(refund_key))
            ).order_by("pk")
        )
        if asked:
            amount = sum((request.amount for request in asked), Decimal(0))
            items = refunds.ItemRefund(
                rates=_merged(request.rates for request in asked), lines=tuple(asked[0].lines)
            )
            changed = []
        else:
            if order.status == Order.Status.REFUNDED:
                raise InvalidTransition(
                    f"Order {order.number} is already refunded in full.", status=order.status
                )
            amount, items, changed = _returned(order, wanted)
            OrderLine.objects.bulk_update(changed, ["refunded_quantity"])
    try:
        return refunds.refund_order(
            number, amount, actor=actor, key=key, reason=reason or _reason(items), items=items
        )
    except (InvalidRefund, InvalidTransition, payments.RefundNotAllowed):
        if changed:
            _give_back_units(number, refund_key, wanted)
        raise


def _merged(rate_lists) -> tuple[dict, ...]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for rates in rate_lists:
        for rate in rates:
            sums[rate["rate"]][0] += Decimal(rate["gross"])
            sums[rate["rate"]][1] += Decimal(rate["tax"])
    return tuple(
        {"rate": rate, "gross": str(gross), "tax": str(tax)}
        for rate, (gross, tax) in sorted(sums.items(), key=lambda item: Decimal(item[0]))
    )


def _reason(items: refunds.ItemRefund) -> str:
    units = (f"{line['quantity']} \N{MULTIPLICATION SIGN} {line['name']}" for line in items.lines)
    return ("Returned: " + ", ".join(units))[:255]


def _give_back_units(number: str, refund_key: str, wanted: dict[int, int]) -> None:
    """Undo the units counted for a refund nothing came of (no request under its key)."""
    with db.atomic():
        order = lock_order(number)
        if RefundRequest.objects.filter(
            key__in=(refund_key, refunds.card_key(refund_key))
        ).exists():
            return
        lines = list(order.lines.filter(pk__in=wanted))
        for line in lines:
            line.refunded_quantity = max(line.refunded_quantity - wanted[line.pk], 0)
        OrderLine.objects.bulk_update(lines, ["refunded_quantity"])
