"""allauth's account adapter, with the checks this shop's user model needs."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
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

    def confirm_email(self, request, email_address) -> bool:
        """
        Refuse to confirm an address another account signs in with, even one
        that account never confirmed: confirming makes it this account's
        sign-in address (``ACCOUNT_CHANGE_EMAIL``), which the other account
        holds. allauth only looks for a confirmed copy; without this the
        owner, clicking the link someone else asked for, got a server error.
        """
        taken = (
            get_user_model()
            .objects.filter(email__iexact=email_address.email)
            .exclude(pk=email_address.user_id)
            .exists()
        )
        if taken:
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_taken_by_another_account.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)

    def get_client_ip(self, request) -> str:
        """
        The client's address for allauth's rate limits, as every limit of the
        shop reads it (``shop.core.ratelimit``): behind the proxies of
        ``TRUSTED_PROXY_COUNT``, not the nearest proxy. allauth's own
        ``ALLAUTH_TRUSTED_PROXY_COUNT`` stays unset: it would trust any peer's
        header, and answer 500 to a header shorter than the count.
        """
        return client_address(request)
