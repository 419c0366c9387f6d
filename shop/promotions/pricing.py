"""
The arithmetic of a voucher against a basket (pure: no database). The
discount is worked out on the total of the lines it applies to, then
allocated to those lines in proportion to their prices by largest remainder,
so the per-line amounts add up to the total to the cent and none exceeds its
line's price.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .data import Basket, BasketLine, LineDiscount, VoucherDiscount
from .errors import VoucherMinimumNotReached, VoucherNotApplicable

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Terms:
    """What pricing needs of a voucher (a model row or a test's)."""

    code: str
    kind: str
    value: Decimal
    product_ids: frozenset[int]
    category_ids: frozenset[int]
    minimum_subtotal: Decimal


def line_total(line: BasketLine) -> Decimal:
    return (line.unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP)


def applies(terms: Terms, line: BasketLine) -> bool:
    if not line.discountable:
        return False
    if not terms.product_ids and not terms.category_ids:
        return True
    return line.product_id in terms.product_ids or bool(
        terms.category_ids.intersection(line.category_ids)
    )


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """
    ``total`` split in proportion to ``weights`` to the cent: each gets its
    share rounded down, and the cents left go one each to the largest
    remainders (the earliest first on a tie). With ``total`` at most the sum
    of the weights, no share exceeds its weight.
    """
    whole = sum(weights, ZERO)
    if total <= 0 or whole <= 0:
        return [ZERO for _ in weights]
    exact = [total * weight / whole for weight in weights]
    shares = [share.quantize(CENT, ROUND_DOWN) for share in exact]
    left = int(((total - sum(shares, ZERO)) / CENT).to_integral_value())
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:left]:
        shares[index] += CENT
    return shares


def price(terms: Terms, basket: Basket) -> VoucherDiscount:
    """
    The discount ``terms`` give ``basket``; ``VoucherMinimumNotReached`` when
    the subtotal is short of the minimum, ``VoucherNotApplicable`` when no
    line qualifies (or, for free shipping, there is no shipping to take off
    yet: then it is priced at 0, not refused).
    """
    totals = [line_total(line) for line in basket.lines]
    subtotal = sum(
        (t for t, line in zip(totals, basket.lines, strict=True) if line.discountable), ZERO
    )
    if subtotal < terms.minimum_subtotal:
        raise VoucherMinimumNotReached(terms.minimum_subtotal)
    eligible = [applies(terms, line) for line in basket.lines]
    if not any(eligible):
        raise VoucherNotApplicable()
    weights = [total if ok else ZERO for total, ok in zip(totals, eligible, strict=True)]
    shipping = ZERO
    if terms.kind == "free_shipping":
        amounts = [ZERO for _ in weights]
        shipping = max(basket.shipping, ZERO).quantize(CENT, ROUND_HALF_UP)
    else:
        base = sum(weights, ZERO)
        if terms.kind == "percent":
            wanted = (base * min(terms.value, Decimal(100)) / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            wanted = terms.value.quantize(CENT, ROUND_HALF_UP)
        amounts = allocate(min(wanted, base), weights)
    return VoucherDiscount(
        code=terms.code,
        kind=terms.kind,
        value=terms.value,
        lines=tuple(
            LineDiscount(sku=line.sku, amount=amount)
            for line, amount in zip(basket.lines, amounts, strict=True)
        ),
        shipping=shipping,
        total=sum(amounts, ZERO) + shipping,
        applies_to=tuple(line.sku for line, ok in zip(basket.lines, eligible, strict=True) if ok),
    )
