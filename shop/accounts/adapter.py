"""allauth's account adapter, with the checks this shop's user model needs."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import get_user_model

from shop.core.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """
        Refuse an address longer than the user model stores: allauth would cut
        it to fit (``user_field``) and sign the customer up under an address
        that is not theirs, one that may even belong to someone else.
        """
        limit = get_user_model()._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(
                f"Enter an email address of at most {limit} characters.", code="too_long"
            )
        return super().clean_email(email)

    def get_client_ip(self, request) -> str:
        """
        The client's address for allauth's rate limits, as every limit of the
        shop reads it (``shop.core.ratelimit``): behind the proxies of
        ``TRUSTED_PROXY_COUNT``, not the nearest proxy. allauth's own
        ``ALLAUTH_TRUSTED_PROXY_COUNT`` stays unset: it would trust any peer's
        header, and answer 500 to a header shorter than the count.
        """
        return client_address(request)
