"""
The checkout API's answer written out (decision 0041): what
``CheckoutSerializer`` declares, built as one dict from the checkout, its
lines, tax, voucher, gift card and payment link. Starting a checkout answers
with it and a customer polls it until the order is there, so it skips DRF's
per-instance copy of the field tree; the serializer stays the schema and the
reference, and ``tests/orders/test_checkout_answer.py`` keeps the two equal.
"""

from shop.core.api.answers import datetime_text, decimal_text

from ...api.taxes import RATE
from ...models import MONEY, Checkout
from ..shipping import method_name

money = decimal_text(**MONEY)
percent = decimal_text(**RATE)


def checkout_answer(checkout: Checkout, request) -> dict:
    """``CheckoutSerializer``'s data; ``request`` makes the payment link absolute."""
    return {
        "id": str(checkout.id),
        "status": str(checkout.status),
        "order_number": order_number(checkout),
        "failure_reason": str(checkout.failure_reason),
        "lines": [_line(line) for line in checkout.lines.all()],
        "shipping_method": str(checkout.shipping_method),
        "shipping_method_name": method_name(checkout),
        "shipping_address": checkout.shipping_address,
        "subtotal": money(checkout.subtotal),
        "shipping_cost": money(checkout.shipping_cost),
        "total": money(checkout.total),
        "tax": _tax(checkout),
        "voucher": _voucher(checkout) if checkout.voucher_code else None,
        "gift_card": _gift_card(checkout) if checkout.gift_card_amount else None,
        "currency": str(checkout.currency),
        "expires_at": datetime_text(checkout.expires_at),
        "payment": _payment(checkout, request) if checkout.payment_id else None,
    }


def order_number(checkout: Checkout) -> str | None:
    """The order's number once the checkout completed (its order may be read with it)."""
    order = getattr(checkout, "order", None) if checkout.status == "completed" else None
    return order.number if order else None


def _line(line) -> dict:
    on_sale = line.on_sale
    return {
        "regular_price": money(line.regular_price if on_sale else line.unit_price),
        "sale": {"name": str(line.sale_name)} if on_sale else None,
        "tax_class": str(line.tax_class),
        "tax_rate": percent(line.tax_rate),
        "net": money(line.net),
        "tax": money(line.tax),
        "gross": money(line.gross),
        "discount": money(line.discount),
        "sku": str(line.sku),
        "name": str(line.name),
        "unit_price": money(line.unit_price),
        "quantity": int(line.quantity),
    }


def _tax(checkout: Checkout) -> dict:
    return {
        "country": str(checkout.tax_country),
        "prices_include_tax": bool(checkout.prices_include_tax),
        "net_total": money(checkout.net_total),
        "tax_total": money(checkout.tax_total),
        "shipping": {
            "rate": percent(checkout.shipping_tax_rate),
            "net": money(checkout.shipping_net),
            "tax": money(checkout.shipping_tax),
            "gross": money(checkout.shipping_cost),
        },
        "totals": [
            {
                "rate": percent(row["rate"]),
                "net": money(row["net"]),
                "tax": money(row["tax"]),
                "gross": money(row["gross"]),
            }
            for row in checkout.rate_totals
        ],
    }


def _voucher(checkout: Checkout) -> dict:
    return {
        "code": str(checkout.voucher_code),
        "total": money(checkout.discount_total),
        "shipping": money(checkout.shipping_discount),
    }


def _gift_card(checkout: Checkout) -> dict:
    return {
        "masked_code": str(checkout.gift_card_code),
        "amount": money(checkout.gift_card_amount),
        "card_payment": money(checkout.card_payment),
    }


def _payment(checkout: Checkout, request) -> dict:
    awaiting = checkout.status == Checkout.Status.AWAITING_PAYMENT
    return {
        "id": str(checkout.payment_id),
        "provider": str(checkout.payment_provider),
        "redirect_url": request.build_absolute_uri(checkout.payment_redirect_url)
        if awaiting
        else "",
    }
