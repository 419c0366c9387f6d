"""How API callers sign in: allauth's access tokens, their user from the cache."""

from allauth.headless.contrib.rest_framework.authentication import JWTTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .. import signed_in


class CachedJWTAuthentication(JWTTokenAuthentication):
    """
    allauth's ``Authorization: Bearer <access token>``, with the token's user
    read as a signed-in page reads it (``signed_in.validate_access_token``,
    decision 0037): no query for the user on each API call.
    """

    def authenticate_credentials(self, key: str):
        found = signed_in.validate_access_token(key)
        if found is None:
            raise AuthenticationFailed("Invalid token.")
        return found
