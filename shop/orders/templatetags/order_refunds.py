"""
``{% refunds_of order as refunds %}`` and ``{% refund_of order refund_id amount as refund %}``:
what refunds gave back per tax rate (``shop.orders.refund_taxes``), for any
page or email that shows an order, whichever view rendered it.
"""

from django import template

from .. import refund_taxes

register = template.Library()


@register.simple_tag
def refunds_of(order):
    return refund_taxes.refunds_of(order)


@register.simple_tag
def refund_of(order, refund_id, amount):
    if not refund_id or amount is None:
        return None
    return refund_taxes.refund_of(order, refund_id, amount)
