"""
Telling the other apps which addresses are confirmed as whose
(``accounts.EmailConfirmed``, decision 0023): when an address is confirmed,
and at every sign-in for the addresses confirmed before, so an order a
customer placed as a guest with an address their account had confirmed
already joins the account the next time they sign in.
"""

from allauth.account.models import EmailAddress

from shop.core.messaging import publish

from ..db import db
from ..events import EmailConfirmed


def announce_confirmed(user_id: int, email: str) -> None:
    """Publish ``EmailConfirmed`` for an address allauth records as confirmed for the user."""
    with db.atomic():
        if EmailAddress.objects.filter(
            user_id=user_id, email__iexact=email, verified=True
        ).exists():
            publish(EmailConfirmed(user_id=user_id, email=email.lower()))


def announce_confirmed_at_sign_in(user_id: int) -> None:
    """Publish ``EmailConfirmed`` for each of the user's confirmed addresses."""
    with db.atomic():
        emails = EmailAddress.objects.filter(user_id=user_id, verified=True).values_list(
            "email", flat=True
        )
        for email in emails:
            publish(EmailConfirmed(user_id=user_id, email=email.lower()))
