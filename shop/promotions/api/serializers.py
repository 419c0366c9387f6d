"""What the gift card API accepts and shows."""

from rest_framework import serializers

from ..models import MONEY


class GiftCardCodeSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=40, help_text="The card's code, any case; spaces and dashes are ignored."
    )


class GiftCardBalanceSerializer(serializers.Serializer):
    masked_code = serializers.CharField(help_text="The code's last four characters: ••••ABCD.")
    balance = serializers.DecimalField(
        **MONEY, help_text="What the card can pay now (amounts held by checkouts taken off)."
    )
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="null: never.")
