"""
The payments API: Stripe's webhook, and the test gateway for API clients.

The webhook has no session and no CSRF token (Stripe signs the body
instead); it answers as soon as the event is verified and stored, and the
work happens in the ``payments.process_gateway_event`` task. Refusals are
``ShopError``s that the project's exception handler turns into
``{"detail", "code", ...}``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
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

    @extend_schema(
        tags=schema.TAGS,
        summary="Stripe webhook",
        description=(
            "Where Stripe sends events. The Stripe-Signature header is verified against "
            "STRIPE_WEBHOOK_SECRET (with STRIPE_WEBHOOK_TOLERANCE seconds of tolerance) before "
            "anything is stored; each event id is stored once, so a replay answers 200 and "
            "does nothing more. Checkout Session events (completed, async payment succeeded "
            "or failed, expired) and charge.refunded are acted on in the background; other "
            "types are acknowledged."
        ),
        parameters=[schema.STRIPE_SIGNATURE],
        request=OpenApiTypes.OBJECT,
        examples=[schema.example("Session completed", schema.STRIPE_EVENT, request_only=True)],
        responses={
            200: OpenApiResponse(
                WebhookReceiptSerializer,
                examples=[schema.example("Stored", {"received": True, "duplicate": False})],
            ),
            400: schema.error(
                "The signature is missing, wrong or too old, or the body is not an event. "
                "Nothing was stored.",
                schema.error_example(
                    "Bad signature",
                    "The webhook signature could not be verified.",
                    "invalid_signature",
                ),
                schema.error_example(
                    "Too old",
                    "The webhook's timestamp is too old (a replayed request?).",
                    "stale_signature",
                ),
                schema.error_example(
                    "No header", "The Stripe-Signature header is missing.", "missing_signature"
                ),
            ),
            503: schema.error(
                "STRIPE_WEBHOOK_SECRET is not set here; Stripe will retry.",
                schema.error_example(
                    "Not configured",
                    "Webhooks from this provider are not configured here.",
                    "webhook_not_configured",
                ),
            ),
        },
    )
    def post(self, request):
        _, created = inbound.receive_webhook(Provider.STRIPE, request.body, request.headers)
        return Response(WebhookReceiptSerializer({"received": True, "duplicate": not created}).data)


class TestGatewayView(APIView):
    permission_classes = (IsAuthenticated,)
    parser_classes = (JSONParser,)

    @extend_schema(
        tags=schema.TAGS,
        summary="Pay or decline on the test gateway",
        description=(
            "What the test gateway's page (/payments/test/<payment id>/) does, for API "
            'clients: "succeeded" pays the payment, "failed" declines it. It takes the '
            "path of a gateway's webhook, so the order follows as it would after a real "
            "payment; status may still be pending when a worker processes it in the "
            "background. Sending the same outcome again changes nothing. Only for payments "
            "made with the test gateway, which is off in production unless "
            "PAYMENTS_TEST_GATEWAY_ENABLED is set."
        ),
        request=GatewayOutcomeSerializer,
        examples=[schema.example("Pay", {"outcome": "succeeded"}, request_only=True)],
        responses={
            202: OpenApiResponse(
                SettledPaymentSerializer,
                examples=[schema.example("Paid", schema.TEST_PAYMENT)],
            ),
            400: schema.error(
                "The outcome is missing or not one of the two.",
                schema.error_example(
                    "Bad outcome", "Some values are invalid.", "invalid", outcome=["…"]
                ),
            ),
            **schema.NOT_SIGNED_IN,
            403: schema.error(
                "The test gateway is switched off here.",
                schema.error_example(
                    "Off",
                    "The test gateway is switched off on this site.",
                    "test_gateway_disabled",
                ),
            ),
            404: schema.error(
                "No test-gateway payment of yours has this id.",
                schema.error_example("Unknown", "No such payment.", "payment_not_found"),
            ),
            409: schema.error(
                "The payment was settled already (the other button was pressed).",
                schema.error_example(
                    "Settled",
                    "This payment is no longer waiting to be paid.",
                    "payment_not_pending",
                    status="failed",
                ),
            ),
        },
    )
    def post(self, request, payment_id):
        payment = inbound.payment_on_test_gateway(payment_id, request.user.pk)
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
