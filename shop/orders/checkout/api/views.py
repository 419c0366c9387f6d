"""
The checkout API: ``POST /api/v1/checkout/`` starts buying the caller's cart,
``GET /api/v1/checkout/<id>/`` follows it to the order. Idempotent with the
``Idempotency-Key`` header; another user's checkout is 404.
"""

from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.errors import ShopError
from shop.core.idempotency import idempotency_key

from .. import selectors
from ..shipping import options_for_cart
from ..starting import start_checkout, status_page_url
from . import schema
from .serializers import (
    CheckoutSerializer,
    ShippingOptionsQuerySerializer,
    ShippingOptionsSerializer,
    StartCheckoutSerializer,
)


def _body(checkout, request, status_code=status.HTTP_200_OK) -> Response:
    data = CheckoutSerializer(checkout, context={"request": request}).data
    return Response(data, status=status_code, headers={"Cache-Control": "private, no-store"})


class StartCheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @schema.start_checkout
    def post(self, request):
        key = idempotency_key(request)
        serializer = StartCheckoutSerializer(data=request.data)
        if not serializer.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=serializer.errors)
        data = serializer.validated_data
        started = start_checkout(
            user_id=request.user.pk,
            shipping_method=data["shipping_method"],
            address_id=data.get("address_id"),
            address=dict(data["shipping_address"]) if "shipping_address" in data else None,
            idempotency_key=key,
            return_url=status_page_url(request),
        )
        checkout = selectors.checkout_for(request.user.pk, started.checkout.pk)
        return _body(
            checkout, request, status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        )


class CheckoutStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @schema.follow_checkout
    def get(self, request, checkout_id):
        return _body(selectors.checkout_for(request.user.pk, checkout_id), request)


class ShippingOptionsView(APIView):
    """The delivery methods for a country, priced for the caller's cart as it is now."""

    permission_classes = [IsAuthenticated]

    @schema.shipping_options
    def get(self, request):
        query = ShippingOptionsQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=query.errors)
        country = query.validated_data["country"]
        subtotal, weight, options = options_for_cart(request.user.pk, country)
        data = ShippingOptionsSerializer(
            {"country": country, "subtotal": subtotal, "weight_grams": weight, "options": options}
        ).data
        return Response(data, headers={"Cache-Control": "private, no-store"})
