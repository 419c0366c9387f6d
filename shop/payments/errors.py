"""
The refusals of the payments service, each with a stable ``code``.
``shop.payments.public`` re-exports those other apps may meet; the rest are
answers of the payments API and the webhook.
"""

from shop.core.errors import Conflict, NotFound, ShopError


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_detail = "No such payment."


class PaymentConflict(Conflict):
    """The same reference or refund key was used before with different figures."""

    code = "payment_conflict"
    default_detail = "This reference was already used for a different payment."


class RefundNotAllowed(Conflict):
    """Nothing (or less than asked) is left to refund, or the payment was never taken."""

    code = "refund_not_allowed"
    default_detail = "This payment cannot be refunded by that amount."


class InvalidAmount(ShopError):
    code = "invalid_amount"
    default_detail = "The amount must be positive and in the store currency's minor unit."


class InvalidPaymentRequest(ShopError):
    """A reference, refund key or URL that is empty, too long or not a string."""

    code = "invalid_payment_request"
    default_detail = "The payment request is incomplete or invalid."


class GatewayUnavailable(ShopError):
    """The gateway did not answer; the same call may be retried (it is idempotent)."""

    status_code = 503
    code = "payment_gateway_unavailable"
    default_detail = "The payment provider is not reachable right now. Please try again."


class InvalidSignature(ShopError):
    """A webhook whose signature is missing, wrong or too old: nothing is recorded."""

    code = "invalid_signature"
    default_detail = "The webhook signature could not be verified."


class InvalidWebhook(ShopError):
    """A correctly signed body that is not a gateway event (not JSON, no id or type)."""

    code = "invalid_webhook"
    default_detail = "The webhook body is not an event."


class WebhookNotConfigured(ShopError):
    """503, so the gateway keeps the event and retries once the secret is set."""

    status_code = 503
    code = "webhook_not_configured"
    default_detail = "Webhooks from this provider are not configured here."


class GatewayDisabled(ShopError):
    """The built-in test gateway outside development, unless explicitly enabled."""

    status_code = 403
    code = "test_gateway_disabled"
    default_detail = (
        "The test gateway is switched off on this site (DEBUG is off and "
        "PAYMENTS_TEST_GATEWAY_ENABLED is not set)."
    )


class NotPending(Conflict):
    """The test gateway is asked to settle a payment that is already settled."""

    code = "payment_not_pending"
    default_detail = "This payment is no longer waiting to be paid."
