"""
Whose cart a request is about: the signed-in user's, or an anonymous one
named by a token kept in the session (browser) or sent in the
``X-Cart-Token`` header (API clients).
"""

from django.http import HttpRequest

from .errors import InvalidCartToken
from .services import Owner, merge_anonymous_cart
from .tokens import issue_token, token_key

SESSION_KEY = "cart_token"
TOKEN_HEADER = "X-Cart-Token"


def browser_owner(request: HttpRequest, *, create: bool = False) -> Owner | None:
    """
    The browser's cart owner. An anonymous visitor without a cart has none,
    unless ``create``: then a token is issued and kept in their session.
    """
    if request.user.is_authenticated:
        return Owner(user_id=request.user.pk)
    signed = request.session.get(SESSION_KEY)
    if signed:
        try:
            return Owner(token_key=token_key(signed))
        except InvalidCartToken:
            del request.session[SESSION_KEY]
    if not create:
        return None
    signed = issue_token()
    request.session[SESSION_KEY] = signed
    return Owner(token_key=token_key(signed))


def api_owner(request) -> tuple[Owner, str | None]:
    """
    The API caller's cart owner and the token to send back in ``X-Cart-Token``
    (None for a signed-in caller). A first anonymous call gets a new token; a
    signed-in caller who still sends the token of an anonymous cart has that
    cart merged into theirs, as a browser's is at login. A header the shop
    never issued raises ``InvalidCartToken`` (400) rather than silently
    starting an empty cart.
    """
    signed = request.headers.get(TOKEN_HEADER)
    key = token_key(signed) if signed else None
    if request.user.is_authenticated:
        if key:
            merge_anonymous_cart(key, request.user.pk)
        return Owner(user_id=request.user.pk), None
    if key is None:
        signed = issue_token()
        key = token_key(signed)
    return Owner(token_key=key), signed
