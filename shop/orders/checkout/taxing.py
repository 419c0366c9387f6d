"""
The checkout's tax: the lines and the shipping taxed by the taxes service for
the shipping address's country when the checkout starts, and frozen on the
checkout, its lines and then the order (decision 0021). A rate changed later
changes no checkout or order.
"""

from decimal import Decimal

from shop.core.money import quantize
from shop.taxes import public as taxes


def tax_basket(
    country: str, lines, variants, shipping_price: Decimal, discount=None
) -> taxes.TaxedBasket:
    """
    ``lines`` (cart lines) at ``variants``' prices and classes, shipped to
    ``country``, with ``discount`` (a ``promotions.VoucherDiscount``) taken
    off each line and the shipping first: tax is charged on what is paid.
    """
    off = {line.sku: line.amount for line in discount.lines} if discount else {}
    return taxes.calculate(
        country,
        [
            taxes.TaxableLine(
                key=line.sku,
                tax_class=variants[line.sku].tax_class,
                amount=variants[line.sku].price * line.quantity - off.get(line.sku, 0),
            )
            for line in lines
            if line.sku in variants  # the others are refused by the reservation
        ],
        shipping_price - (discount.shipping if discount else 0),
    )


def totals_fields(basket: taxes.TaxedBasket) -> dict:
    """What a ``Checkout`` (and then its ``Order``) stores of ``basket``."""
    subtotal = sum((line.gross for line in basket.lines), quantize(Decimal(0)))
    return {
        "subtotal": subtotal,
        "shipping_cost": basket.shipping.gross,
        "total": basket.gross,
        "tax_country": basket.country,
        "prices_include_tax": basket.prices_include_tax,
        "shipping_tax_rate": basket.shipping.rate,
        "shipping_net": basket.shipping.net,
        "shipping_tax": basket.shipping.tax,
        "net_total": basket.net,
        "tax_total": basket.tax,
        "tax_totals": [
            {"rate": str(t.rate), "net": str(t.net), "tax": str(t.tax), "gross": str(t.gross)}
            for t in basket.totals
        ],
    }


def line_fields(basket: taxes.TaxedBasket, sku: str) -> dict:
    """What a ``CheckoutLine`` stores of its taxed line."""
    for line in basket.lines:
        if line.key == sku:
            return {
                "tax_class": line.tax_class,
                "tax_rate": line.rate,
                "net": line.net,
                "tax": line.tax,
                "gross": line.gross,
            }
    raise KeyError(sku)


TAXED_TOTALS = (
    "voucher_code",
    "discount_total",
    "shipping_discount",
    "gift_card_code",
    "gift_card_amount",
    "tax_country",
    "prices_include_tax",
    "shipping_tax_rate",
    "shipping_net",
    "shipping_tax",
    "net_total",
    "tax_total",
    "tax_totals",
)
TAXED_LINE = ("tax_class", "tax_rate", "net", "tax", "gross", "discount")
