from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: a voucher's discount of one line on the cart page."""
    return mapping.get(key) if mapping else None
