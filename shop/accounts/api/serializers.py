"""
What the accounts API shows and accepts. Writes only validate the shape of a
request; ``services`` applies it.
"""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from .. import selectors
from ..models import Address, User
from ..postal import POSTAL_FIELDS
from ..services.profile import PROFILE_FIELDS


class ProfileSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField(
        help_text="The address you sign in with is confirmed (needed before checkout).",
    )

    class Meta:
        model = User
        fields = ["email", *PROFILE_FIELDS, "email_verified", "date_joined"]
        read_only_fields = ["email", "date_joined"]
        extra_kwargs = {
            "email": {"help_text": "Changed through /_allauth/app/v1/account/email."},
        }

    def get_email_verified(self, user) -> bool:
        return selectors.email_is_verified(user)


class AddressSerializer(serializers.ModelSerializer):
    country = CountryField(help_text='ISO 3166-1 alpha-2 code, e.g. "DE".')
    is_default = serializers.BooleanField(
        required=False,
        help_text=(
            "The address checkout suggests. Setting it here makes this address the default; "
            "the first address is the default anyway. false is ignored: make another address "
            "the default instead."
        ),
    )

    class Meta:
        model = Address
        fields = ["id", *POSTAL_FIELDS, "is_default"]
        read_only_fields = ["id"]
        # The one-default rule is a service's business, not a uniqueness check here.
        validators = []
