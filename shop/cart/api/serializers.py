"""Shapes of the cart API. Responses are built from ``selectors.CartContents``."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .answers import cart_answer


def amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class LineSaleSerializer(serializers.Serializer):
    """The sale that lowers a line's price now, as the product API gives it."""

    name = serializers.CharField(source="sale_name", help_text='E.g. "Winter sale".')
    ends_at = serializers.DateTimeField(
        source="sale_ends_at", allow_null=True, help_text="When it ends; null: open-ended."
    )


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line's id, for PATCH and DELETE.")
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    name = serializers.CharField(help_text="Product name with the chosen options.")
    product_slug = serializers.CharField(allow_null=True)
    options = serializers.SerializerMethodField()
    image_url = serializers.CharField(allow_null=True)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="What a unit costs now, a sale's price included."
    )
    regular_price = serializers.SerializerMethodField()
    sale = serializers.SerializerMethodField()
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

    @extend_schema_field(
        amount(help_text="What a unit costs without a sale: unit_price when none runs.")
    )
    def get_regular_price(self, item):
        return f"{item.regular_price or item.unit_price:.2f}"

    @extend_schema_field(
        LineSaleSerializer(
            allow_null=True, help_text="The sale that lowers unit_price now; null: none."
        )
    )
    def get_sale(self, item):
        return LineSaleSerializer(item).data if item.sale_name else None

    def get_previous_unit_price(self, item) -> str | None:
        return f"{item.price_seen:.2f}" if item.price_changed else None


class DeliverySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The method's code, as the checkout names it.")
    name = serializers.CharField()
    price = amount(help_text="For this cart; 0.00 when free.")
    free_from = amount(allow_null=True, help_text="The order value from which it is free.")


class FreeDeliverySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    free_from = amount()
    missing = amount(help_text="What the cart would need to cost more for it to be free.")


class EstimatedRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent.")
    net = amount()
    tax = amount()
    gross = amount()


class EstimateSerializer(serializers.Serializer):
    """A ``cart.estimates.CartEstimate``."""

    country = serializers.CharField(help_text="ISO 3166-1 alpha-2: `?country=`, else the shop's.")
    country_name = serializers.CharField()
    prices_include_tax = serializers.BooleanField(
        help_text='Catalog prices are gross ("incl. VAT"); false: net ("plus tax").'
    )
    tax_note = serializers.CharField(help_text='"incl. VAT" or "plus tax".')
    delivers = serializers.BooleanField(help_text="A shipping zone serves the country.")
    unavailable = serializers.CharField(
        help_text='Why not, when `delivers` is false ("We do not deliver to Brazil."); else "".'
    )
    delivery = DeliverySerializer(
        allow_null=True, help_text="The cheapest method offered there for this cart."
    )
    free_delivery = FreeDeliverySerializer(
        many=True, help_text="Methods offered there that would be free from a higher value."
    )
    taxed = serializers.BooleanField(
        help_text="The country is in the shop's tax zone; false: no tax is charged."
    )
    taxes = EstimatedRateSerializer(
        many=True, source="tax_totals", help_text="The tax per rate, highest first."
    )
    shipping = amount(help_text="The cheapest delivery's price (0.00 without one).")
    net = amount()
    tax = amount(help_text="The estimated tax, goods and delivery.")
    total = amount(help_text="What the cart would cost delivered there, tax included.")


class VoucherLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    amount = amount(help_text="What the voucher takes off this line (before tax).")


class VoucherRefusalSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[
            "voucher_unknown",
            "voucher_expired",
            "voucher_used_up",
            "voucher_already_used",
            "voucher_minimum_not_reached",
            "voucher_not_applicable",
        ]
    )
    detail = serializers.CharField()
    minimum = amount(
        required=False, help_text="With voucher_minimum_not_reached: the subtotal needed."
    )


class CartVoucherSerializer(serializers.Serializer):
    """A ``cart.vouchers.CartVoucher``."""

    code = serializers.CharField()
    applied = serializers.BooleanField(
        help_text="It applies to the cart as it is; false: `refusal` says why (it stays in "
        "the cart and applies again once the cart qualifies)."
    )
    kind = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    shipping = amount(help_text="What it takes off the estimate's delivery.")
    total = amount(help_text="Lines and delivery.")
    refusal = serializers.SerializerMethodField()

    def get_kind(self, voucher) -> str | None:
        return voucher.discount.kind if voucher.discount else None

    @extend_schema_field(VoucherLineSerializer(many=True))
    def get_lines(self, voucher):
        lines = voucher.discount.lines if voucher.discount else ()
        return VoucherLineSerializer(lines, many=True).data

    @extend_schema_field(VoucherRefusalSerializer(allow_null=True))
    def get_refusal(self, voucher):
        if voucher.applied:
            return None
        return {
            "code": voucher.refusal_code,
            "detail": voucher.refusal_detail,
            **voucher.refusal_extra,
        }


class CartSerializer(serializers.Serializer):
    items = CartItemSerializer(many=True)
    item_count = serializers.IntegerField(help_text="Units in the cart.")
    subtotal = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Lines that can be bought, at today's prices."
    )
    currency = serializers.CharField()
    has_problems = serializers.BooleanField()
    discount = amount(help_text="What the cart's voucher takes off (0.00 without one).")
    voucher = CartVoucherSerializer(
        allow_null=True,
        help_text="The voucher code the cart holds, priced against it; null without one.",
    )
    estimate = EstimateSerializer(
        allow_null=True,
        help_text=(
            "Delivery and tax estimated for `?country=` (default the shop's country), "
            "the voucher's discount taken off before tax; the checkout works out the exact "
            "figures for the address. Null when empty."
        ),
    )

    def to_representation(self, cart):
        """
        What the fields above give, written out (decision 0041): they stay the
        schema and the reference, and a test keeps the two equal.
        """
        return cart_answer(cart)


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


class VoucherCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Any case.")
