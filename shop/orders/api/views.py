"""
The orders API, for the signed-in customer: their order history, one order,
and cancelling an order that has not shipped. Every lookup is filtered by the
caller's user id, so another customer's order is 404 ``order_not_found``.

A guest's order (decision 0023) is reached without signing in by its number
and the key of its emailed link (``?key=``); a wrong key is the same 404.
"""

from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from .. import selectors
from ..actors import GUEST, customer
from ..services import lifecycle
from . import schema
from .serializers import CancelSerializer, OrderSerializer, OrderSummarySerializer


class CustomerView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]

    def respond(self, request, number: str) -> Response:
        order = selectors.customer_order(request.user.pk, number)
        return Response(OrderSerializer(order, context={"request": request}).data)


class OrderListView(CustomerView):
    serializer_class = OrderSummarySerializer

    def get_queryset(self):
        return selectors.customer_orders(self.request.user.pk)

    @schema.list_orders
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        serializer = OrderSummarySerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


class OrderDetailView(CustomerView):
    serializer_class = OrderSerializer

    @schema.retrieve_order
    def get(self, request, number):
        return self.respond(request, number)


class CancelOrderView(CustomerView):
    serializer_class = CancelSerializer

    @schema.cancel_order
    def post(self, request, number):
        serializer = CancelSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(
                {"detail": "Some values are invalid.", "code": "invalid", **serializer.errors}
            )
        lifecycle.cancel_order(
            number,
            actor=customer(request.user.pk),
            reason=serializer.validated_data["reason"],
            owner_id=request.user.pk,
        )
        return self.respond(request, number)


def _valid_reason(request) -> str:
    serializer = CancelSerializer(data=request.data)
    if not serializer.is_valid():
        raise ValidationError(
            {"detail": "Some values are invalid.", "code": "invalid", **serializer.errors}
        )
    return serializer.validated_data["reason"]


class GuestOrderView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = OrderSerializer

    def respond(self, request, number: str) -> Response:
        order = selectors.guest_order(number, request.query_params.get("key", ""))
        return Response(
            OrderSerializer(order, context={"request": request}).data,
            headers={"Cache-Control": "private, no-store"},
        )

    @schema.retrieve_guest_order
    def get(self, request, number):
        return self.respond(request, number)


class GuestCancelOrderView(GuestOrderView):
    serializer_class = CancelSerializer

    @schema.cancel_guest_order
    def post(self, request, number):
        selectors.guest_order(number, request.query_params.get("key", ""))
        lifecycle.cancel_order(number, actor=GUEST, reason=_valid_reason(request))
        return self.respond(request, number)
