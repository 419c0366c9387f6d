"""
The gift card email staff send from the admin ("Email the code to the
recipient"): the code in full, its amount and expiry, and where to spend it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .giftcards import available
from .models import GiftCard


def send_gift_card(card: GiftCard) -> bool:
    """Mail the card to its recipient; ``False`` when it has none."""
    if not card.recipient_email:
        return False
    context = {
        "card": card,
        "balance": available(card),
        "shop_name": settings.SHOP_NAME,
        "shop_url": settings.SHOP_URL.rstrip("/"),
    }
    message = EmailMultiAlternatives(
        subject=f"A {settings.SHOP_NAME} gift card for you",
        body=render_to_string("promotions/emails/gift_card.txt", context),
        to=[card.recipient_email],
    )
    message.attach_alternative(
        render_to_string("promotions/emails/gift_card.html", context), "text/html"
    )
    message.send()
    return True
