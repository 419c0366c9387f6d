"""
The checkout API: ``POST /api/v1/checkout/`` starts buying the caller's cart,
``GET /api/v1/checkout/<id>/`` follows it to the order. Idempotent with the
``Idempotency-Key`` header; another user's checkout is 404.

A caller who is not signed in checks out as a guest (decision 0023): the
anonymous cart its ``X-Cart-Token`` names, an ``email`` and a
``shipping_address`` in the body; the checkout is followed with the same
header, and starting one is limited per client address
(``ORDERS_GUEST_CHECKOUT_RATE``: 429 with ``Retry-After``).
"""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.cart import public as cart
from shop.core.errors import ShopError
from shop.core.idempotency import idempotency_key
from shop.core.ratelimit import Refused, consume, parse_rates

from ...errors import GuestEmailRequired
from ...guests import Guest
from .. import selectors
from ..shipping import options_for_cart
from ..starting import start_checkout, status_page_url
from ..views import GUEST_START, count_gift_card_attempt
from . import schema
from .serializers import (
    CheckoutSerializer,
    ShippingOptionsQuerySerializer,
    ShippingOptionsSerializer,
    StartCheckoutSerializer,
)

CART_TOKEN_HEADER = "X-Cart-Token"


def _body(checkout, request, status_code=status.HTTP_200_OK) -> Response:
    data = CheckoutSerializer(checkout, context={"request": request}).data
    return Response(data, status=status_code, headers={"Cache-Control": "private, no-store"})


def guest_cart_key(request) -> str:
    """
    The key of the anonymous cart the ``X-Cart-Token`` header names; without
    it the caller is neither signed in nor a guest: ``NotAuthenticated`` (401).
    """
    token = request.headers.get(CART_TOKEN_HEADER)
    if not token:
        raise NotAuthenticated()
    return cart.cart_key(token)


class StartCheckoutView(APIView):
    permission_classes = [AllowAny]

    @schema.start_checkout
    def post(self, request):
        key = idempotency_key(request)
        serializer = StartCheckoutSerializer(data=request.data)
        if not serializer.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=serializer.errors)
        data = serializer.validated_data
        address = dict(data["shipping_address"]) if "shipping_address" in data else None
        if request.user.is_authenticated:
            buyer = {"user_id": request.user.pk}
        else:
            cart_key = guest_cart_key(request)
            if not data.get("email"):
                raise GuestEmailRequired()
            try:
                consume(
                    request,
                    action=GUEST_START,
                    rates=parse_rates(settings.ORDERS_GUEST_CHECKOUT_RATE),
                )
            except Refused as refused:
                raise Throttled(wait=refused.retry_after) from None
            buyer = {"guest": Guest(cart_key=cart_key, email=data["email"])}
        if data.get("gift_card_code"):
            try:
                count_gift_card_attempt(request)
            except Refused as refused:
                raise Throttled(wait=refused.retry_after) from None
        started = start_checkout(
            **buyer,
            shipping_method=data["shipping_method"],
            address_id=data.get("address_id") if "user_id" in buyer else None,
            address=address,
            idempotency_key=key,
            return_url=status_page_url(request, guest="guest" in buyer),
            gift_card_code=data.get("gift_card_code", ""),
        )
        # A new checkout is answered as it was made; an earlier one is read again.
        checkout = started.checkout
        if not started.created:
            checkout = _checkout_of(request, checkout.pk)
        return _body(
            checkout, request, status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        )


def _checkout_of(request, checkout_id):
    if request.user.is_authenticated:
        return selectors.checkout_for(request.user.pk, checkout_id)
    return selectors.guest_checkout_for(guest_cart_key(request), checkout_id)


class CheckoutStatusView(APIView):
    permission_classes = [AllowAny]

    @schema.follow_checkout
    def get(self, request, checkout_id):
        return _body(_checkout_of(request, checkout_id), request)


class ShippingOptionsView(APIView):
    """The delivery methods for a country, priced for the caller's cart as it is now."""

    permission_classes = [AllowAny]

    @schema.shipping_options
    def get(self, request):
        query = ShippingOptionsQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=query.errors)
        country = query.validated_data["country"]
        if request.user.is_authenticated:
            owner = {"user_id": request.user.pk}
        else:
            owner = {"cart_key": guest_cart_key(request)}
        subtotal, weight, options = options_for_cart(owner, country)
        data = ShippingOptionsSerializer(
            {"country": country, "subtotal": subtotal, "weight_grams": weight, "options": options}
        ).data
        return Response(data, headers={"Cache-Control": "private, no-store"})
