"""What the orders API shows and accepts. Reads serialize what ``selectors`` return."""

from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .. import refund_taxes, selectors
from ..checkout.shipping import method_name
from ..models import MONEY, Order, OrderLine, Shipment
from .taxes import (
    LINE_SALE_FIELDS,
    LINE_TAX_FIELDS,
    AppliedVoucherSerializer,
    GiftCardPaymentSerializer,
    LineSaleFields,
    LineTaxFields,
    TaxSerializer,
    applied_voucher,
    gift_card_payment,
)


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, read_only=True, **kwargs)


class OrderLineSerializer(LineSaleFields, LineTaxFields, serializers.ModelSerializer):
    unit_price = money()
    line_total = money(
        help_text="What the line costs (gross): unit_price times quantity, or its net "
        "when shipped outside the tax zone."
    )

    class Meta:
        model = OrderLine
        bought = ["sku", "product_name", "variant_name", "unit_price", "quantity", "line_total"]
        fields = [*bought, "refunded_quantity", *LINE_SALE_FIELDS, *LINE_TAX_FIELDS]
        read_only_fields = fields
        extra_kwargs = {
            "refunded_quantity": {"help_text": "Units given back by refunds of returned items."}
        }


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = [
            "carrier",
            "tracking_number",
            "tracking_url",
            "shipped_at",
            "delivered_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=["status", "refund"],
        help_text="status: the order moved to status; refund: money went back (see note).",
    )
    status = serializers.ChoiceField(
        choices=Order.Status.choices, help_text="The order's status from then on."
    )
    by = serializers.ChoiceField(
        choices=["you", "us", "automatic"],
        help_text="Who changed it: you, the shop's staff, or the shop's automation.",
    )
    note = serializers.CharField()


class RefundedRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent.")
    net = money()
    tax = money()
    gross = money()


class RefundSerializer(serializers.Serializer):
    """A refund the payment provider confirmed: what it gave back, and per tax rate."""

    refund_id = serializers.CharField()
    requested_at = serializers.DateTimeField(allow_null=True)
    gross = money(help_text="What was given back.")
    net = money()
    tax = money(help_text="The tax inside it: its share of the order's tax.")
    taxes = RefundedRateSerializer(
        many=True,
        source="rates",
        help_text="Per rate the order was taxed at, highest first; empty when it was untaxed.",
    )
    to_gift_card = serializers.BooleanField(
        help_text="Put back on the gift card that paid, not through the payment provider."
    )


class OrderSummarySerializer(serializers.ModelSerializer):
    """An order in the history list: figures, status, lines and tracking, not the address."""

    url = serializers.SerializerMethodField()
    subtotal = money()
    shipping_cost = money()
    total = money()
    refunded_amount = money(help_text="What has been given back so far.")
    refunds = serializers.SerializerMethodField(
        help_text="The refunds confirmed so far, oldest first, each with its tax per rate."
    )
    lines = OrderLineSerializer(many=True, read_only=True)
    tax = TaxSerializer(source="*", read_only=True)
    voucher = serializers.SerializerMethodField(
        help_text="The voucher used, or null; the lines' figures are after it."
    )
    gift_card = serializers.SerializerMethodField(
        help_text="The gift card that paid part or all of the total, or null."
    )
    gift_card_refunded = money(help_text="Of refunded_amount, what went back on the gift card.")
    shipment = ShipmentSerializer(read_only=True, allow_null=True)
    can_cancel = serializers.SerializerMethodField(
        help_text="Whether POST …/cancel/ would be accepted now (nothing has shipped yet)."
    )
    shipping_method_name = serializers.SerializerMethodField(
        help_text="The delivery method as it was offered when the order was bought."
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "url",
            "status",
            "placed_at",
            "currency",
            "subtotal",
            "shipping_cost",
            "total",
            "refunded_amount",
            "refunds",
            "shipping_method",
            "shipping_method_name",
            "lines",
            "tax",
            "voucher",
            "gift_card",
            "gift_card_refunded",
            "shipment",
            "can_cancel",
        ]
        read_only_fields = fields

    @extend_schema_field(AppliedVoucherSerializer(allow_null=True))
    def get_voucher(self, order):
        return applied_voucher(order)

    @extend_schema_field(GiftCardPaymentSerializer(allow_null=True))
    def get_gift_card(self, order):
        return gift_card_payment(order)

    @extend_schema_field(serializers.URLField())
    def get_url(self, order) -> str:
        return reverse(
            "orders-api:order-detail", args=[order.number], request=self.context.get("request")
        )

    @extend_schema_field(RefundSerializer(many=True))
    def get_refunds(self, order):
        return RefundSerializer(refund_taxes.refunds_of(order), many=True).data

    def get_shipping_method_name(self, order) -> str:
        return method_name(order)

    def get_can_cancel(self, order) -> bool:
        return selectors.can_cancel(order)


class OrderSerializer(OrderSummarySerializer):
    """One order with its shipping address and the history the customer may see."""

    shipping_address = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="The address as it was when the order was placed.",
    )
    history = serializers.SerializerMethodField()

    class Meta(OrderSummarySerializer.Meta):
        fields = [*OrderSummarySerializer.Meta.fields, "shipping_address", "history"]
        read_only_fields = fields

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, order):
        return HistoryEntrySerializer(selectors.customer_history(order), many=True).data


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True, help_text="Optional: why."
    )


class DocumentSerializer(serializers.Serializer):
    """An invoice or credit note of the order (``invoices.DocumentInfo``) and where its PDF is."""

    number = serializers.CharField(help_text="INV-2026-00001 (invoice) or CN-2026-00001.")
    kind = serializers.ChoiceField(choices=["invoice", "credit_note"])
    invoice_number = serializers.CharField(
        help_text="The invoice a credit note corrects (an invoice's own number)."
    )
    issued_on = serializers.DateField()
    currency = serializers.CharField()
    net = money()
    tax = money()
    gross = money(help_text="The invoice's total, or what a credit note gives back.")
    pdf_url = serializers.SerializerMethodField(help_text="GET it for the PDF (application/pdf).")

    def get_pdf_url(self, document) -> str:
        guest_key = self.context.get("guest_key")
        if guest_key:
            url = reverse(
                "orders-api:guest-order-invoice-pdf",
                args=[document.order_number, document.number],
                request=self.context.get("request"),
            )
            return f"{url}?{urlencode({'key': guest_key})}"
        return reverse(
            "orders-api:order-invoice-pdf",
            args=[document.order_number, document.number],
            request=self.context.get("request"),
        )
