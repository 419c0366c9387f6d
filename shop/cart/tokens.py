"""
Anonymous cart tokens.

A token is a random value signed with the site's key. The cart stores the
random part; the client holds the signed form. The signature lets the cart
hand out a token on a first ``GET`` without writing anything, and refuse
tokens it never issued, so nobody can pick an easy-to-guess token that
someone else might also pick.
"""

import secrets

from django.core import signing

from .errors import InvalidCartToken

_signer = signing.Signer(salt="shop.cart.token")


def issue_token() -> str:
    """A new signed token (``<random>:<signature>``) for an anonymous cart."""
    return _signer.sign(secrets.token_urlsafe(24))


def token_key(signed_token: str) -> str:
    """The random part the cart is stored under; ``InvalidCartToken`` if not ours."""
    if not isinstance(signed_token, str) or len(signed_token) > 200:
        raise InvalidCartToken()
    try:
        return _signer.unsign(signed_token.strip())
    except signing.BadSignature:
        raise InvalidCartToken() from None
