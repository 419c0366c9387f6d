"""
The tax of a basket, from the rates in force: pure arithmetic, no database.

Rounding (docs/decisions/0021-taxes-as-a-service.md): per line, half up to the
store currency's minor unit. With gross prices a line's tax is
``gross * rate / (100 + rate)`` rounded, and its net is ``gross - tax``; with net
prices the tax is ``net * rate / 100`` rounded, and the gross ``net + tax``.
Totals are sums of the rounded lines, so every total adds up to the cent.

Outside the tax zone (a country with no rate in force) nothing is charged: a
net price stays as it is, a gross price drops to its net at the home
country's rate, ``gross * 100 / (100 + home rate)`` rounded.

Shipping is taxed as the goods are: at the rate of the class that carries the
largest share of the goods' value (on a tie, the higher rate).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from shop.core.money import quantize

from .data import RateTotal, TaxableLine, TaxedBasket, TaxedLine

STANDARD = "standard"
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def rate_of(rates: Mapping[str, Decimal], tax_class: str) -> Decimal:
    """A class's rate; a class the country has no rate for is taxed as standard."""
    return rates.get(tax_class, rates.get(STANDARD, ZERO))


def tax_line(
    key: str,
    tax_class: str,
    amount: Decimal,
    *,
    rates: Mapping[str, Decimal],
    home_rates: Mapping[str, Decimal],
    prices_include_tax: bool,
) -> TaxedLine:
    """One line taxed at the destination's ``rates`` (empty: outside the zone)."""
    amount = quantize(amount)
    if not rates:
        net = amount
        if prices_include_tax:
            home = rate_of(home_rates, tax_class)
            net = quantize(amount * HUNDRED / (HUNDRED + home))
        return TaxedLine(key, tax_class, quantize(ZERO), net, quantize(ZERO), net)
    rate = rate_of(rates, tax_class)
    if prices_include_tax:
        tax = quantize(amount * rate / (HUNDRED + rate))
        return TaxedLine(key, tax_class, rate, amount - tax, tax, amount)
    tax = quantize(amount * rate / HUNDRED)
    return TaxedLine(key, tax_class, rate, amount, tax, amount + tax)


def shipping_class(lines: Sequence[TaxableLine], rates: Mapping[str, Decimal]) -> str:
    """The class shipping is taxed as: the one with the largest share of the goods."""
    shares: dict[str, Decimal] = {}
    for line in lines:
        shares[line.tax_class] = shares.get(line.tax_class, ZERO) + line.amount
    if not shares:
        return STANDARD
    return max(shares, key=lambda code: (shares[code], rate_of(rates, code)))


def tax_basket(
    country: str,
    lines: Sequence[TaxableLine],
    shipping: Decimal,
    *,
    rates: Mapping[str, Decimal],
    home_rates: Mapping[str, Decimal],
    prices_include_tax: bool,
) -> TaxedBasket:
    """The basket taxed: each line and the shipping, and the totals per rate."""
    common = {"rates": rates, "home_rates": home_rates, "prices_include_tax": prices_include_tax}
    taxed = tuple(tax_line(line.key, line.tax_class, line.amount, **common) for line in lines)
    shipped = tax_line("shipping", shipping_class(lines, rates), shipping, **common)
    by_rate: dict[Decimal, list[TaxedLine]] = {}
    for line in (*taxed, shipped):
        if line.gross or line.rate in by_rate:
            by_rate.setdefault(line.rate, []).append(line)
    totals = tuple(
        RateTotal(
            rate=rate,
            net=sum((line.net for line in group), quantize(ZERO)),
            tax=sum((line.tax for line in group), quantize(ZERO)),
            gross=sum((line.gross for line in group), quantize(ZERO)),
        )
        for rate, group in sorted(by_rate.items(), key=lambda item: item[0], reverse=True)
    )
    everything = (*taxed, shipped)
    return TaxedBasket(
        country=country,
        prices_include_tax=prices_include_tax,
        taxed=bool(rates),
        lines=taxed,
        shipping=shipped,
        totals=totals,
        net=sum((line.net for line in everything), quantize(ZERO)),
        tax=sum((line.tax for line in everything), quantize(ZERO)),
        gross=sum((line.gross for line in everything), quantize(ZERO)),
    )
