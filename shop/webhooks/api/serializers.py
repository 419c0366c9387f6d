from rest_framework import serializers

from shop.core.errors import ShopError

from ..models import Endpoint
from ..payloads import EVENT_TYPES


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        help_text=f"The event types it hears: {', '.join(EVENT_TYPES)}.",
    )

    class Meta:
        model = Endpoint
        fields = (
            "id",
            "url",
            "description",
            "enabled",
            "event_types",
            "created_at",
            "updated_at",
            "disabled_at",
            "disabled_reason",
        )
        read_only_fields = ("id", "created_at", "updated_at", "disabled_at", "disabled_reason")

    def validate_event_types(self, value):
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ShopError(
                f"Unknown event types: {', '.join(unknown)}.",
                code="unknown_event_type",
                unknown=unknown,
                known=list(EVENT_TYPES),
            )
        return value


class EndpointWithSecretSerializer(EndpointSerializer):
    """An endpoint with its secret: only in the answer that made the secret."""

    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (Standard Webhooks, whsec_…). Shown only now: keep it.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
