"""allauth's account adapter, with the checks this shop's user model needs."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import get_user_model


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
