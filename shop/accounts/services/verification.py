"""allauth's record of the address a user signs in with, which its confirmation mail needs."""

from allauth.account.models import EmailAddress

from .. import selectors
from ..models import User


def sign_in_address(user: User) -> EmailAddress:
    """allauth's record of the sign-in address (made here for a user created without one)."""
    address = selectors.primary_email_address(user)
    if address is None:
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": False}
        )
    return address
