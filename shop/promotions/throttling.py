"""
Entering a gift card code is limited per client address
(``PROMOTIONS_GIFT_CARD_RATE``): a code is a bearer's money, so nobody may
try codes faster than a person types them. Orders counts the codes entered
at checkout the same way under its own action.
"""

from django.conf import settings

from shop.core.ratelimit import Refused, consume, parse_rates

GIFT_CARD_CHECK = "promotions.gift_card_check"

__all__ = ["Refused", "count_gift_card_check"]


def count_gift_card_check(request) -> None:
    """One code checked from this client address; ``Refused`` (``retry_after``) over the limit."""
    consume(request, action=GIFT_CARD_CHECK, rates=parse_rates(settings.PROMOTIONS_GIFT_CARD_RATE))
