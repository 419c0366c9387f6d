from rest_framework import serializers

from ..gateways.builtin import OUTCOMES
from ..models import Payment


class GatewayOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=OUTCOMES, help_text='"succeeded" pays, "failed" declines.'
    )


class SettledPaymentSerializer(serializers.ModelSerializer):
    next_url = serializers.SerializerMethodField(
        help_text="Where the customer goes now: the shop's return URL after paying, its "
        "cancel URL after declining."
    )

    class Meta:
        model = Payment
        fields = ("id", "reference", "status", "amount", "currency", "next_url")
        read_only_fields = fields

    def get_next_url(self, payment) -> str:
        return self.context["next_url"]


class WebhookReceiptSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(
        help_text="True when this event id was received before (nothing more was done)."
    )
