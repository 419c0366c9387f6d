"""
The payments API: Stripe's webhook, and the test gateway for API clients.

The webhook has no session, no CSRF token and no throttle (Stripe signs the
body instead); it answers as soon as the event is verified and stored, and the
work happens in the ``payments.process_gateway_event`` task. Refusals are
``ShopError``s that the project's exception handler turns into
``{"detail", "code", ...}``.
"""

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import inbound
from ..models import Provider
from . import schema
from .serializers import (
    GatewayOutcomeSerializer,
    SettledPaymentSerializer,
    WebhookReceiptSerializer,
)


class StripeWebhookView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Stripe's retries come from a few addresses of Stripe's, signed: never a client's allowance.
    throttle_classes = ()

    @schema.stripe_webhook
    def post(self, request):
        _, created = inbound.receive_webhook(Provider.STRIPE, request.body, request.headers)
        return Response(WebhookReceiptSerializer({"received": True, "duplicate": not created}).data)


class TestGatewayView(APIView):
    """The payment page's buttons for API clients: its link's key is the permission."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (JSONParser,)

    @schema.settle_on_test_gateway
    def post(self, request, payment_id, key):
        payment = inbound.payment_on_test_gateway(payment_id, key)
        serializer = GatewayOutcomeSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(
                {"detail": "Some values are invalid.", "code": "invalid", **serializer.errors}
            )
        outcome = serializer.validated_data["outcome"]
        payment = inbound.settle_on_test_gateway(payment, outcome)
        next_url = payment.return_url if outcome == "succeeded" else payment.cancel_url
        data = SettledPaymentSerializer(payment, context={"next_url": next_url}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
