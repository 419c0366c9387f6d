"""What the checkout API accepts and shows."""

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.accounts import public as accounts

from ...api.taxes import (
    AppliedVoucherSerializer,
    GiftCardPaymentSerializer,
    LineSaleFields,
    LineTaxFields,
    TaxSerializer,
    applied_voucher,
    gift_card_payment,
)
from ...models import MONEY
from ..shipping import method_name
from .answers import checkout_answer, order_number


def _address_input_field(spec) -> serializers.Field:
    if spec.kind == "country":
        return CountryField(required=spec.required)
    if spec.required:
        return serializers.CharField(max_length=spec.max_length)
    return serializers.CharField(
        max_length=spec.max_length, required=False, allow_blank=True, default=""
    )


# The postal fields accounts defines for an address (``address_fields``), as input.
AddressInputSerializer = type(
    "AddressInputSerializer",
    (serializers.Serializer,),
    {spec.name: _address_input_field(spec) for spec in accounts.address_fields()},
)


class StartCheckoutSerializer(serializers.Serializer):
    shipping_method = serializers.CharField(
        max_length=20,
        help_text='A method offered for the address\'s country ("standard"): '
        "GET /api/v1/checkout/shipping-options/?country=DE lists them.",
    )
    address_id = serializers.IntegerField(
        required=False, help_text="An address from your address book (default: your default)."
    )
    shipping_address = AddressInputSerializer(
        required=False,
        help_text="An address typed in for this order instead (a guest's only way).",
    )
    email = serializers.EmailField(
        required=False,
        max_length=254,
        help_text="A guest's (no account, with X-Cart-Token): where the confirmation and "
        "the order's link go. Ignored for a signed-in caller: their account's address.",
    )
    gift_card_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="A gift card that pays what it can of the total after tax; the payment is "
        "for the rest. One that pays everything completes the checkout at once (no payment).",
    )


class CheckoutLineSerializer(LineSaleFields, LineTaxFields):
    sku = serializers.CharField()
    name = serializers.CharField(help_text='"Tee — M / Blue": the product and its options.')
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()


class PaymentLinkSerializer(serializers.Serializer):
    id = serializers.CharField(source="payment_id")
    provider = serializers.CharField(source="payment_provider")
    redirect_url = serializers.SerializerMethodField(
        help_text="Send the customer here to pay (empty once the checkout is over)."
    )

    def get_redirect_url(self, checkout) -> str:
        if checkout.status != checkout.Status.AWAITING_PAYMENT:
            return ""
        return self.context["request"].build_absolute_uri(checkout.payment_redirect_url)


class CheckoutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["awaiting_payment", "completed", "failed", "expired"])
    order_number = serializers.SerializerMethodField()
    failure_reason = serializers.CharField()
    lines = CheckoutLineSerializer(many=True)
    shipping_method = serializers.CharField()
    shipping_method_name = serializers.SerializerMethodField(
        help_text='"Standard delivery (3 to 5 working days)", as offered when it started.'
    )
    shipping_address = serializers.JSONField()
    subtotal = serializers.DecimalField(**MONEY)
    shipping_cost = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    tax = TaxSerializer(source="*")
    voucher = serializers.SerializerMethodField(
        help_text="The cart's voucher, held for this checkout, or null."
    )
    gift_card = serializers.SerializerMethodField(
        help_text="The gift card paying part or all of the total, or null."
    )
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="Stock is held until then.")
    payment = serializers.SerializerMethodField()

    def to_representation(self, checkout):
        """
        What the fields above give, written out (decision 0041): they stay the
        schema and the reference, and a test keeps the two equal.
        """
        return checkout_answer(checkout, self.context.get("request"))

    def get_shipping_method_name(self, checkout) -> str:
        return method_name(checkout)

    @extend_schema_field(AppliedVoucherSerializer(allow_null=True))
    def get_voucher(self, checkout):
        return applied_voucher(checkout)

    @extend_schema_field(GiftCardPaymentSerializer(allow_null=True))
    def get_gift_card(self, checkout):
        return gift_card_payment(checkout)

    def get_order_number(self, checkout) -> str | None:
        return order_number(checkout)

    @extend_schema_field(PaymentLinkSerializer(allow_null=True))
    def get_payment(self, checkout) -> dict | None:
        if not checkout.payment_id:
            return None
        return PaymentLinkSerializer(checkout, context=self.context).data


class ShippingOptionsQuerySerializer(serializers.Serializer):
    country = CountryField(help_text='Where the order would go: ISO 3166-1 alpha-2 ("DE").')


class ShippingOptionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='What to send as `shipping_method` ("standard").')
    name = serializers.CharField()
    price = serializers.DecimalField(**MONEY, help_text="For your cart as it is now.")
    free_from = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="The cart value from which it is free (null: never)."
    )


class ShippingOptionsSerializer(serializers.Serializer):
    country = serializers.CharField()
    subtotal = serializers.DecimalField(**MONEY, help_text="Your cart's value, at today's prices.")
    weight_grams = serializers.IntegerField(help_text="Your cart's weight.")
    options = ShippingOptionSerializer(many=True)
