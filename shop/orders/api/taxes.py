"""The tax of a checkout or an order, and of its lines, as the API shows them (decision 0021)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import MONEY

RATE = {"max_digits": 5, "decimal_places": 2}


class RateTotalSerializer(serializers.Serializer):
    rate = serializers.DecimalField(**RATE, help_text="Percent; 0 for untaxed lines.")
    net = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    gross = serializers.DecimalField(**MONEY)


class ShippingTaxSerializer(serializers.Serializer):
    rate = serializers.DecimalField(**RATE, source="shipping_tax_rate")
    net = serializers.DecimalField(**MONEY, source="shipping_net")
    tax = serializers.DecimalField(**MONEY, source="shipping_tax")
    gross = serializers.DecimalField(**MONEY, source="shipping_cost")


class TaxSerializer(serializers.Serializer):
    """``net_total + tax_total == total``; ``totals`` add up to both, to the cent."""

    country = serializers.CharField(
        source="tax_country", help_text="The shipping address's country the tax follows."
    )
    prices_include_tax = serializers.BooleanField(
        help_text="Whether the catalog prices were gross (tax inside) or net (tax added)."
    )
    net_total = serializers.DecimalField(**MONEY)
    tax_total = serializers.DecimalField(**MONEY)
    shipping = ShippingTaxSerializer(source="*")
    totals = RateTotalSerializer(
        many=True, source="rate_totals", help_text="Per rate, highest first."
    )


class LineTaxFields(serializers.Serializer):
    """The taxed figures of a line (``net + tax == gross``), declared once for both line kinds."""

    tax_class = serializers.CharField(read_only=True)
    tax_rate = serializers.DecimalField(**RATE, read_only=True, help_text="Percent.")
    net = serializers.DecimalField(**MONEY, read_only=True)
    tax = serializers.DecimalField(**MONEY, read_only=True)
    gross = serializers.DecimalField(**MONEY, read_only=True)
    discount = serializers.DecimalField(
        **MONEY,
        read_only=True,
        help_text="What the voucher took off the line before tax (net, tax, gross are after it).",
    )


LINE_TAX_FIELDS = ["tax_class", "tax_rate", "net", "tax", "gross", "discount"]


class PurchasedSaleSerializer(serializers.Serializer):
    """The sale that lowered a line's price when it was bought (decision 0029)."""

    name = serializers.CharField(source="sale_name", help_text='E.g. "Winter sale".')


class LineSaleFields(serializers.Serializer):
    """A line's regular price and the sale that lowered it, declared once for both line kinds."""

    regular_price = serializers.SerializerMethodField()
    sale = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DecimalField(
            **MONEY,
            help_text="What a unit cost without the sale when bought: unit_price without one.",
        )
    )
    def get_regular_price(self, line):
        price = line.regular_price if line.on_sale else line.unit_price
        return serializers.DecimalField(**MONEY).to_representation(price)

    @extend_schema_field(
        PurchasedSaleSerializer(
            allow_null=True,
            help_text='The sale that lowered unit_price ("Winter sale: was 89.00"); null: none.',
        )
    )
    def get_sale(self, line):
        return PurchasedSaleSerializer(line).data if line.on_sale else None


LINE_SALE_FIELDS = ["regular_price", "sale"]


class AppliedVoucherSerializer(serializers.Serializer):
    """The voucher a checkout or order used (decision 0028)."""

    code = serializers.CharField(source="voucher_code")
    total = serializers.DecimalField(
        **MONEY, source="discount_total", help_text="What it took off: lines and delivery."
    )
    shipping = serializers.DecimalField(
        **MONEY, source="shipping_discount", help_text="What it took off the delivery."
    )


def applied_voucher(purchase) -> dict | None:
    """``AppliedVoucherSerializer``'s data, or None when no voucher was used."""
    return AppliedVoucherSerializer(purchase).data if purchase.voucher_code else None


class GiftCardPaymentSerializer(serializers.Serializer):
    """The gift card that paid part or all of a checkout or order (decision 0030)."""

    masked_code = serializers.CharField(
        source="gift_card_code", help_text="Its code's last four characters: ••••ABCD."
    )
    amount = serializers.DecimalField(
        **MONEY, source="gift_card_amount", help_text="What it paid of the total."
    )
    card_payment = serializers.DecimalField(
        **MONEY, help_text="What was left to pay with the payment provider (0: nothing)."
    )


def gift_card_payment(purchase) -> dict | None:
    """``GiftCardPaymentSerializer``'s data, or None when no gift card paid."""
    return GiftCardPaymentSerializer(purchase).data if purchase.gift_card_amount else None
