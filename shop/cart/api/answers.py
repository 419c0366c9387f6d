"""
The cart API's answer written out (decision 0041): what ``CartSerializer``
declares, built as one dict from the cart's contents, its voucher and its
estimate. Every add to the cart answers with it, so it skips DRF's
per-instance copy of the field tree; the serializer stays the schema and the
reference, and ``tests/cart/test_api_answer.py`` keeps the two equal.
"""

from collections.abc import Mapping

from shop.core.api.answers import datetime_text, decimal_text

money = decimal_text(max_digits=12, decimal_places=2)
percent = decimal_text(max_digits=5, decimal_places=2)


def cart_answer(cart: Mapping) -> dict:
    """``CartSerializer``'s data from what ``CartAPIView.cart_response`` hands it."""
    voucher, estimate = cart["voucher"], cart["estimate"]
    return {
        "items": [_item(item) for item in cart["items"]],
        "item_count": int(cart["item_count"]),
        "subtotal": money(cart["subtotal"]),
        "currency": str(cart["currency"]),
        "has_problems": bool(cart["has_problems"]),
        "discount": money(cart["discount"]),
        "voucher": None if voucher is None else _voucher(voucher),
        "estimate": None if estimate is None else _estimate(estimate),
    }


def _item(item) -> dict:
    price_changed = bool(item.price_changed)
    problem = item.problem
    return {
        "id": int(item.id),
        "sku": str(item.sku),
        "quantity": int(item.quantity),
        "name": str(item.name),
        "product_slug": None if item.product_slug is None else str(item.product_slug),
        "options": dict(item.options),
        "image_url": None if item.image_url is None else str(item.image_url),
        "unit_price": money(item.unit_price),
        "regular_price": f"{item.regular_price or item.unit_price:.2f}",
        "sale": _sale(item) if item.sale_name else None,
        "line_total": money(item.line_total),
        "price_changed": price_changed,
        "previous_unit_price": f"{item.price_seen:.2f}" if price_changed else None,
        "available": int(item.available),
        "problem": None if problem is None else str(problem),
    }


def _sale(item) -> dict:
    ends_at = item.sale_ends_at
    return {
        "name": str(item.sale_name),
        "ends_at": None if ends_at is None else datetime_text(ends_at),
    }


def _voucher(voucher) -> dict:
    discount = voucher.discount
    return {
        "code": str(voucher.code),
        "applied": bool(voucher.applied),
        "kind": discount.kind if discount else None,
        "lines": [
            {"sku": str(line.sku), "amount": money(line.amount)}
            for line in (discount.lines if discount else ())
        ],
        "shipping": money(voucher.shipping),
        "total": money(voucher.total),
        "refusal": None
        if voucher.applied
        else {
            "code": voucher.refusal_code,
            "detail": voucher.refusal_detail,
            **voucher.refusal_extra,
        },
    }


def _estimate(estimate) -> dict:
    delivery = estimate.delivery
    return {
        "country": str(estimate.country),
        "country_name": str(estimate.country_name),
        "prices_include_tax": bool(estimate.prices_include_tax),
        "tax_note": str(estimate.tax_note),
        "delivers": bool(estimate.delivers),
        "unavailable": str(estimate.unavailable),
        "delivery": None if delivery is None else _delivery(delivery),
        "free_delivery": [
            {
                "code": str(free.code),
                "name": str(free.name),
                "free_from": money(free.free_from),
                "missing": money(free.missing),
            }
            for free in estimate.free_delivery
        ],
        "taxed": bool(estimate.taxed),
        "taxes": [
            {
                "rate": percent(row.rate),
                "net": money(row.net),
                "tax": money(row.tax),
                "gross": money(row.gross),
            }
            for row in estimate.tax_totals
        ],
        "shipping": money(estimate.shipping),
        "net": money(estimate.net),
        "tax": money(estimate.tax),
        "total": money(estimate.total),
    }


def _delivery(delivery) -> dict:
    return {
        "code": str(delivery.code),
        "name": str(delivery.name),
        "price": money(delivery.price),
        "free_from": None if delivery.free_from is None else money(delivery.free_from),
    }
