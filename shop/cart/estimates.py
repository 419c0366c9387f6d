"""
What a cart will cost delivered to a country, before an address is known:
"the cart an estimate, the checkout the exact tax once the address is known"
(issue 16). The cheapest delivery method the shipping service offers there
for the cart's value and weight, and the tax of the lines and that delivery
from the taxes service, as the checkout would work them out today.

Nothing is frozen or held: the checkout asks again for the address it ships
to. A country no zone serves is an answer, not an error (``delivers`` false,
``unavailable`` says why); its tax is still estimated for the goods alone.
Five queries whatever the cart holds: the zones, the zone's methods and their
rates (shipping), the rates in force there and at home (taxes).
"""

from dataclasses import dataclass
from decimal import Decimal

from django_countries import countries

from shop.core.money import quantize
from shop.shipping import public as shipping
from shop.taxes import public as taxes

from . import vouchers
from .errors import InvalidCountry
from .selectors import CartContents

SESSION_KEY = "cart_estimate_country"


@dataclass(frozen=True)
class FreeDelivery:
    """A method that would cost nothing from ``free_from``: ``missing`` more to spend."""

    code: str
    name: str
    free_from: Decimal
    missing: Decimal


@dataclass(frozen=True)
class CartEstimate:
    country: str
    country_name: str
    prices_include_tax: bool
    delivers: bool
    unavailable: str
    delivery: shipping.ShippingQuote | None
    free_delivery: tuple[FreeDelivery, ...]
    taxed: bool
    tax_totals: tuple[taxes.RateTotal, ...]
    net: Decimal
    tax: Decimal
    total: Decimal
    # The cart's voucher code priced against its lines and this delivery, or None.
    voucher: vouchers.CartVoucher | None = None

    @property
    def discount(self) -> Decimal:
        return self.voucher.total if self.voucher else quantize(0)

    @property
    def tax_note(self) -> str:
        return "incl. VAT" if self.prices_include_tax else "plus tax"

    @property
    def shipping(self) -> Decimal:
        return self.delivery.price if self.delivery else quantize(0)


def default_country() -> str:
    """Where an estimate ships to until the customer says: the shop's own country."""
    return taxes.home_country()


def country_code(value) -> str:
    """
    ``value`` as an ISO 3166-1 alpha-2 code ("de" -> "DE"); ``InvalidCountry``
    (400, ``invalid_country``) for anything that is not a country.
    """
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 2 or code not in countries:
        raise InvalidCountry()
    return code


def country_choices() -> list[tuple[str, str]]:
    return list(countries)


def estimate(cart: CartContents, country: str, user_id: int | None = None) -> CartEstimate | None:
    """
    The estimate of ``cart`` shipped to ``country`` (a valid code); ``None``
    when empty. The cart's voucher is priced against the lines and the
    cheapest delivery (for ``user_id``'s uses), and its discount comes off
    before tax, as the checkout takes it off.
    """
    lines = cart.purchasable
    if not cart.items:
        return None
    delivery, unavailable, free = None, "", ()
    try:
        quotes = shipping.quote(country, cart.subtotal, cart.weight_grams)
    except shipping.ShippingUnavailable as refusal:
        unavailable = refusal.detail
    else:
        delivery = min(quotes, key=lambda option: option.price)
        free = tuple(
            FreeDelivery(
                code=option.code,
                name=option.name,
                free_from=option.free_from,
                missing=quantize(option.free_from - cart.subtotal),
            )
            for option in quotes
            if option.free_from is not None and option.price > 0
        )
    shipping_price = delivery.price if delivery else quantize(0)
    voucher = vouchers.price(cart, shipping_price, vouchers.customer_of(user_id))
    off = voucher.line_amounts() if voucher else {}
    basket = taxes.calculate(
        country,
        [
            taxes.TaxableLine(
                key=item.sku,
                tax_class=item.tax_class,
                amount=item.line_total - off.get(item.sku, 0),
            )
            for item in lines
        ],
        shipping_price - (voucher.shipping if voucher else 0),
    )
    return CartEstimate(
        country=country,
        country_name=countries.name(country) or country,
        prices_include_tax=basket.prices_include_tax,
        delivers=delivery is not None,
        unavailable=unavailable,
        delivery=delivery,
        free_delivery=free,
        taxed=basket.taxed,
        tax_totals=basket.totals if basket.taxed else (),
        net=basket.net,
        tax=basket.tax,
        total=basket.gross,
        voucher=voucher,
    )
