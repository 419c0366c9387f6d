"""Shapes of the cart API. Responses are built from ``selectors.CartContents``."""

from django.conf import settings
from rest_framework import serializers


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line's id, for PATCH and DELETE.")
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    name = serializers.CharField(help_text="Product name with the chosen options.")
    product_slug = serializers.CharField(allow_null=True)
    options = serializers.SerializerMethodField()
    image_url = serializers.CharField(allow_null=True)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_changed = serializers.BooleanField(
        help_text="The price is not the one shown when the line was last set."
    )
    previous_unit_price = serializers.SerializerMethodField()
    available = serializers.IntegerField(help_text="Units that can be bought right now.")
    problem = serializers.ChoiceField(
        choices=["unavailable", "short"],
        allow_null=True,
        help_text=(
            '"unavailable": no longer for sale; "short": fewer in stock than the quantity. '
            "Either must be fixed before checkout."
        ),
    )

    def get_options(self, item) -> dict[str, str]:
        return dict(item.options)

    def get_previous_unit_price(self, item) -> str | None:
        return f"{item.price_seen:.2f}" if item.price_changed else None


class CartSerializer(serializers.Serializer):
    items = CartItemSerializer(many=True)
    item_count = serializers.IntegerField(help_text="Units in the cart.")
    subtotal = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Lines that can be bought, at today's prices."
    )
    currency = serializers.CharField()
    has_problems = serializers.BooleanField()


class AddItemSerializer(serializers.Serializer):
    """Documentation of the request; the service validates it (stable error codes)."""

    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(
        min_value=1, max_value=settings.CART_MAX_LINE_QUANTITY, default=1, required=False
    )


class ChangeItemSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=settings.CART_MAX_LINE_QUANTITY, help_text="0 removes the line."
    )
