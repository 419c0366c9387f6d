"""
The checkout API: ``POST /api/v1/checkout/`` starts buying the caller's cart,
``GET /api/v1/checkout/<id>/`` follows it to the order. Idempotent with the
``Idempotency-Key`` header; another user's checkout is 404.
"""

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.api import docs
from shop.core.errors import ShopError

from .. import checkout as checkouts

TAGS = ["checkout"]
IDEMPOTENCY_KEY = "Idempotency-Key"


class AddressInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = CountryField()
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class StartCheckoutSerializer(serializers.Serializer):
    shipping_method = serializers.CharField(max_length=20, help_text='"standard" or "express".')
    address_id = serializers.IntegerField(
        required=False, help_text="An address from your address book (default: your default)."
    )
    shipping_address = AddressInputSerializer(
        required=False, help_text="An address typed in for this order instead."
    )


class CheckoutLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField(help_text='"Tee — M / Blue": the product and its options.')
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
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
    shipping_address = serializers.JSONField()
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="Stock is held until then.")
    payment = serializers.SerializerMethodField()

    def get_order_number(self, checkout) -> str | None:
        order = getattr(checkout, "order", None) if checkout.status == "completed" else None
        return order.number if order else None

    @extend_schema_field(PaymentLinkSerializer(allow_null=True))
    def get_payment(self, checkout) -> dict | None:
        if not checkout.payment_id:
            return None
        return PaymentLinkSerializer(checkout, context=self.context).data


def _error(description: str, code: str, detail: str, **extra) -> OpenApiResponse:
    return docs.error(description, docs.error_example(code, detail, code, **extra))


def _body(checkout, request, status_code=status.HTTP_200_OK) -> Response:
    data = CheckoutSerializer(checkout, context={"request": request}).data
    return Response(data, status=status_code, headers={"Cache-Control": "private, no-store"})


class StartCheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Start checkout",
        description=(
            "Buys your cart: prices from the catalog, stock reserved for "
            "ORDERS_CHECKOUT_TTL_MINUTES, and a payment to make at `payment.redirect_url`. "
            "Send an `Idempotency-Key` header: the same key returns the same checkout "
            "(200) and never reserves or charges twice."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_KEY,
                location=OpenApiParameter.HEADER,
                required=False,
                description="A unique string (a UUID) per purchase attempt, up to 255 characters.",
            )
        ],
        request=StartCheckoutSerializer,
        responses={
            201: CheckoutSerializer,
            200: OpenApiResponse(CheckoutSerializer, description="The same key was seen before."),
            400: _error(
                "cart_empty, address_required, invalid_shipping_method, invalid (fields).",
                "cart_empty",
                "Your cart is empty.",
            ),
            403: _error(
                "The email address is not confirmed yet.",
                "email_unverified",
                "Confirm your email address before checking out.",
            ),
            404: _error(
                "address_id names no address in your address book.",
                "address_not_found",
                "No such address in your address book.",
            ),
            409: _error(
                "Some lines are short; nothing was reserved.",
                "out_of_stock",
                "Not enough stock: TEE-M (requested 3, available 1)",
                shortages=[{"sku": "TEE-M", "requested": 3, "available": 1}],
            ),
            503: _error(
                "The payment provider did not answer; retry with the same key.",
                "payment_gateway_unavailable",
                "The payment provider is not reachable right now.",
            ),
            **docs.NOT_SIGNED_IN,
        },
    )
    def post(self, request):
        key = request.headers.get(IDEMPOTENCY_KEY, "").strip()
        if len(key) > 255:
            raise ShopError("The Idempotency-Key is longer than 255 characters.", code="invalid")
        serializer = StartCheckoutSerializer(data=request.data)
        if not serializer.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=serializer.errors)
        data = serializer.validated_data
        existed = (
            bool(key)
            and checkouts.Checkout.objects.filter(
                user_id=request.user.pk, idempotency_key=key
            ).exists()
        )
        checkout = checkouts.start_checkout(
            user_id=request.user.pk,
            shipping_method=data["shipping_method"],
            address_id=data.get("address_id"),
            address=dict(data["shipping_address"]) if "shipping_address" in data else None,
            idempotency_key=key,
            return_url=checkouts.status_page_url(request),
        )
        checkout = checkouts.checkout_for(request.user.pk, checkout.pk)
        return _body(checkout, request, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class CheckoutStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Follow a checkout",
        description=(
            "`awaiting_payment` until the payment's outcome is known, then `completed` with "
            "the `order_number`, `failed` (payment declined: start again) or `expired`."
        ),
        responses={
            200: CheckoutSerializer,
            404: _error(
                "Not yours or no such checkout.", "checkout_not_found", "No such checkout."
            ),
            **docs.NOT_SIGNED_IN,
        },
    )
    def get(self, request, checkout_id):
        return _body(checkouts.checkout_for(request.user.pk, checkout_id), request)
