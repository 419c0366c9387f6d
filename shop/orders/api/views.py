"""
The orders API, for the signed-in customer: their order history, one order,
The orders API, for the signed-in customer: their order history, one order,
its invoice and credit notes (and their PDFs), and cancelling an order that
has not shipped. Every lookup is filtered by the caller's user id, so another
customer's order is 404 ``order_not_found``.

A guest's order (decision 0023), its invoice and credit notes are reached
without signing in by its number and the key of its emailed link (``?key=``);
a wrong key is the same 404.
"""

from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from .. import documents, selectors
from ..actors import GUEST, customer
from ..services import lifecycle
from . import schema
from .serializers import (
    CancelSerializer,
    DocumentSerializer,
    OrderSerializer,
    OrderSummarySerializer,
)


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


class OrderInvoicesView(CustomerView):
    serializer_class = DocumentSerializer
    pagination_class = None  # an invoice and a credit note per refund: never a long list

    @schema.list_invoices
    def get(self, request, number):
        order = selectors.customer_order_header(request.user.pk, number)
        issued = documents.documents(order)
        return Response(DocumentSerializer(issued, many=True, context={"request": request}).data)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the PDF itself is sent as it is."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PdfView(generics.GenericAPIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    def handle_exception(self, exc):
        # A refusal is JSON with its code, even to a client that asked for a PDF.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class OrderInvoicePdfView(PdfView):
    permission_classes = [IsAuthenticated]

    @schema.invoice_pdf
    def get(self, request, number, document):
        order = selectors.customer_order_header(request.user.pk, number)
        return documents.pdf_response(documents.document_pdf(order, document))


class GuestOrderInvoicesView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = DocumentSerializer
    pagination_class = None

    @schema.list_guest_invoices
    def get(self, request, number):
        key = request.query_params.get("key", "")
        order = selectors.guest_order_header(number, key)
        context = {"request": request, "guest_key": key}
        return Response(
            DocumentSerializer(documents.documents(order), many=True, context=context).data,
            headers={"Cache-Control": "private, no-store"},
        )


class GuestOrderInvoicePdfView(PdfView):
    permission_classes = [AllowAny]

    @schema.guest_invoice_pdf
    def get(self, request, number, document):
        order = selectors.guest_order_header(number, request.query_params.get("key", ""))
        return documents.pdf_response(documents.document_pdf(order, document))
