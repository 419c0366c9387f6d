"""
The orders API, for the signed-in customer: their order history, one order,
and cancelling an order that has not shipped. Every lookup is filtered by the
caller's user id, so another customer's order is 404 ``order_not_found``.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors, services
from ..actors import customer
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

    @extend_schema(
        tags=schema.TAGS,
        summary="Your orders",
        operation_id="orders_list",
        description=(
            "Your orders, newest first, with their lines and tracking; page_size up to 100."
        ),
        responses={
            200: OpenApiResponse(
                OrderSummarySerializer(many=True),
                examples=[schema.example("A page", schema.ORDER_SUMMARY)],
            ),
            **schema.NOT_SIGNED_IN,
        },
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        serializer = OrderSummarySerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


class OrderDetailView(CustomerView):
    serializer_class = OrderSerializer

    @extend_schema(
        tags=schema.TAGS,
        summary="One of your orders",
        description=(
            "Lines, totals, the shipping address, tracking and the order's history. "
            "status is paid, shipped, delivered, cancelled or refunded."
        ),
        responses={
            200: OpenApiResponse(OrderSerializer, examples=[schema.example("Order", schema.ORDER)]),
            404: schema.ORDER_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def get(self, request, number):
        return self.respond(request, number)


class CancelOrderView(CustomerView):
    serializer_class = CancelSerializer

    @extend_schema(
        tags=schema.TAGS,
        summary="Cancel one of your orders",
        description=(
            "While nothing has shipped: the order is cancelled at once and the full amount "
            "is refunded to the way you paid (the refund follows within moments; "
            "refunded_amount and status show it). Once shipped: 409 invalid_transition."
        ),
        request=CancelSerializer,
        examples=[schema.example("With a reason", {"reason": "Wrong size"}, request_only=True)],
        responses={
            200: OpenApiResponse(
                OrderSerializer, examples=[schema.example("Cancelled", schema.CANCELLED_ORDER)]
            ),
            400: schema.error(
                "The reason is too long.",
                schema.error_example(
                    "Too long",
                    "Some values are invalid.",
                    "invalid",
                    reason=["Ensure this field has no more than 500 characters."],
                ),
            ),
            404: schema.ORDER_NOT_FOUND,
            409: schema.NOT_CANCELLABLE,
            **schema.NOT_SIGNED_IN,
            **schema.CSRF,
        },
    )
    def post(self, request, number):
        serializer = CancelSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(
                {"detail": "Some values are invalid.", "code": "invalid", **serializer.errors}
            )
        services.cancel_order(
            number,
            actor=customer(request.user.pk),
            reason=serializer.validated_data["reason"],
            owner_id=request.user.pk,
        )
        return self.respond(request, number)
