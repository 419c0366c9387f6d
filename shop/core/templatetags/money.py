"""``{{ amount|money }}``: an amount as customers and staff read it (``shop.core.money``)."""

from django import template

from shop.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    return format_money(amount, currency)
