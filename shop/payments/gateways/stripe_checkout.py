"""
Stripe through hosted Checkout Sessions (docs/decisions/0006-stripe-checkout-sessions.md):
one session per payment, card details entered on Stripe's page, the outcome
told by signed webhooks.

Every call that creates something carries an idempotency key derived from
our own identifiers (the payment's reference, the refund's key), so a call
retried after a timeout, by the library or by our caller, returns the object
made the first time instead of charging or refunding twice.

Webhook events are interpreted from their verified payload alone: processing
one never calls Stripe back.
"""

import json
import logging
import re
from contextlib import contextmanager

import stripe
from django.conf import settings

from shop.core.money import to_minor_units

from ..errors import GatewayUnavailable, InvalidSignature, InvalidWebhook, WebhookNotConfigured
from ..models import Provider
from .base import (
    CheckoutSession,
    GatewayRefund,
    GatewayRefused,
    Notification,
    PaymentUpdate,
    UnreadableEvent,
)

logger = logging.getLogger(__name__)

# Seconds one API call may take before it counts as a network failure.
API_TIMEOUT = 20
# The library retries network failures and 5xx itself, with the same idempotency key.
MAX_NETWORK_RETRIES = 2

SUCCESS_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
REFUND_STATUSES = {
    "succeeded": "succeeded",
    "pending": "succeeded",  # accepted by Stripe; the money is on its way back
    "requires_action": "pending",
    "failed": "failed",
    "canceled": "failed",
}


def _id(value) -> str:
    """An object id from a field that may hold the id or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _minor_units(obj: dict, name: str) -> int | None:
    """An amount in minor units (``None`` if absent); ``UnreadableEvent`` if not a whole number."""
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UnreadableEvent(f"{name} is {value!r}, not a whole number of minor units.")
    return value


def _metadata(obj: dict) -> dict:
    metadata = obj.get("metadata")
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise UnreadableEvent(f"metadata is {type(metadata).__name__}, not an object.")
    return metadata


@contextmanager
def _stripe_call(what: str):
    try:
        yield
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
        logger.warning("Stripe did not answer (%s): %s", what, exc)
        raise GatewayUnavailable() from exc
    except stripe.AuthenticationError as exc:
        logger.error("Stripe refused the API key (%s): %s", what, exc)
        raise GatewayUnavailable() from exc
    except stripe.StripeError as exc:
        raise GatewayRefused(exc.user_message or str(exc)) from exc


def session_update(session: dict, *, expired_reason: str = "expired") -> PaymentUpdate:
    """What a Checkout Session says about its payment."""
    intent = _id(session.get("payment_intent"))
    if session.get("payment_status") == "paid":
        return PaymentUpdate(
            status="succeeded",
            amount_paid=session.get("amount_total"),
            currency=str(session.get("currency") or ""),
            payment_intent_id=intent,
        )
    if session.get("status") == "expired":
        return PaymentUpdate(status="canceled", reason=expired_reason, payment_intent_id=intent)
    return PaymentUpdate(status="pending", payment_intent_id=intent)


# \u0000 as JSON writes it: a backslash that is not itself escaped, then u0000.
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_event(body: bytes) -> dict:
    """
    A verified body as an event: a JSON object with a string ``id`` and
    ``type`` and an object in ``data.object``, holding nothing PostgreSQL's
    ``jsonb`` refuses to store (``NaN``, ``Infinity`` or ``1e999``, ``\\u0000``,
    a lone surrogate). Anything else, however well signed, is ``InvalidWebhook``.
    """
    try:
        event = json.loads(body, parse_constant=_refuse_constant)
        text = json.dumps(event, allow_nan=False, ensure_ascii=False)  # 1e999 parses to inf
        text.encode()  # a lone surrogate is not UTF-8
        if _NUL.search(text):
            raise ValueError("\\u0000 in a string")
    except (ValueError, RecursionError):
        raise InvalidWebhook("The webhook body is not a Stripe event.") from None
    data = event.get("data") if isinstance(event, dict) else None
    if not (
        isinstance(data, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(data.get("object"), dict)
    ):
        raise InvalidWebhook("The webhook body is not a Stripe event.")
    return event


class StripeGateway:
    provider = Provider.STRIPE

    def client(self) -> stripe.StripeClient:
        if not settings.STRIPE_SECRET_KEY:
            logger.error("A Stripe payment needs STRIPE_SECRET_KEY.")
            raise GatewayUnavailable("Stripe is not configured on this site.")
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses=base,
            max_network_retries=MAX_NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=API_TIMEOUT),
        )

    # --- taking and giving back money ------------------------------------------------

    def create_session(self, payment, *, customer_email):
        metadata = {"reference": payment.reference, "payment_id": str(payment.id)}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": to_minor_units(payment.amount, payment.currency),
                        "product_data": {"name": payment.description or payment.reference},
                    },
                }
            ],
            "client_reference_id": payment.reference,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": payment.return_url,
            "cancel_url": payment.cancel_url,
        }
        if customer_email:
            params["customer_email"] = customer_email
        key = f"checkout-session:{payment.reference}:{payment.id}"
        with _stripe_call("create a Checkout Session"):
            session = self.client().v1.checkout.sessions.create(params, {"idempotency_key": key})
        return CheckoutSession(id=session.id, url=session.url or "")

    def cancel(self, payment):
        if not payment.checkout_session_id:
            return PaymentUpdate(status="canceled", reason="canceled")
        sessions = self.client().v1.checkout.sessions
        try:
            with _stripe_call("expire a Checkout Session"):
                session = sessions.expire(payment.checkout_session_id)
        except GatewayRefused:
            # No longer open: the customer paid (or it expired) first.
            with _stripe_call("retrieve a Checkout Session"):
                session = sessions.retrieve(payment.checkout_session_id)
            return session_update(session.to_dict())
        return session_update(session.to_dict(), expired_reason="canceled")

    def refund(self, payment, refund):
        intent = payment.payment_intent_id or self._payment_intent_of(payment)
        params = {
            "payment_intent": intent,
            "amount": to_minor_units(refund.amount, payment.currency),
            "metadata": {
                "reference": payment.reference,
                "payment_id": str(payment.id),
                "refund_key": refund.key,
            },
        }
        key = f"refund:{refund.key}:{refund.id}"
        try:
            with _stripe_call("create a refund"):
                created = self.client().v1.refunds.create(params, {"idempotency_key": key})
        except GatewayRefused as refused:
            return GatewayRefund(id="", status="failed", failure_message=str(refused))
        return GatewayRefund(
            id=created.id,
            status=REFUND_STATUSES.get(created.status, "pending"),
            failure_message=str(created.to_dict().get("failure_reason") or ""),
        )

    def _payment_intent_of(self, payment) -> str:
        with _stripe_call("retrieve a Checkout Session"):
            session = self.client().v1.checkout.sessions.retrieve(payment.checkout_session_id)
        intent = _id(session.to_dict().get("payment_intent"))
        if not intent:
            raise GatewayRefused("Stripe has no payment for this Checkout Session.")
        return intent

    # --- webhooks ----------------------------------------------------------------------

    def verify(self, body, headers):
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set.")
            raise WebhookNotConfigured()
        signature = headers.get("Stripe-Signature")
        if not signature:
            raise InvalidSignature(
                "The Stripe-Signature header is missing.", code="missing_signature"
            )
        try:
            stripe.WebhookSignature.verify_header(
                body, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
            )
        except stripe.SignatureVerificationError as exc:
            if "tolerance" in str(exc):
                raise InvalidSignature(
                    "The webhook's timestamp is too old (a replayed request?).",
                    code="stale_signature",
                ) from None
            raise InvalidSignature() from None
        except ValueError:  # not UTF-8
            raise InvalidWebhook("The webhook body is not a Stripe event.") from None
        return parse_event(body)

    def event_identity(self, event):
        return event["id"], event["type"]

    def interpret(self, event):
        kind, obj = event["type"], event["data"]["object"]
        if kind.startswith("checkout.session."):
            _minor_units(obj, "amount_total")
            found = {
                "payment_id": str(_metadata(obj).get("payment_id") or ""),
                "session_id": str(obj.get("id") or ""),
                "payment_intent_id": _id(obj.get("payment_intent")),
            }
            if kind in SUCCESS_EVENTS:
                return Notification(**found, update=session_update(obj))
            if kind == "checkout.session.async_payment_failed":
                failed = PaymentUpdate(
                    status="failed", reason="declined", payment_intent_id=found["payment_intent_id"]
                )
                return Notification(**found, update=failed)
            if kind == "checkout.session.expired":
                # Events can be processed out of order: an "expired" whose
                # session says it was paid is about a paid session, not a
                # lapsed one (else a later "completed" would find it canceled).
                if obj.get("payment_status") == "paid":
                    return Notification(**found, update=session_update(obj))
                expired = PaymentUpdate(status="canceled", reason="expired")
                return Notification(**found, update=expired)
            return Notification(**found)
        if kind == "charge.refunded":
            intent = _id(obj.get("payment_intent"))
            refunded = PaymentUpdate(
                refunded_total=_minor_units(obj, "amount_refunded") or 0,
                currency=str(obj.get("currency") or ""),
                payment_intent_id=intent,
            )
            return Notification(payment_intent_id=intent, update=refunded)
        return Notification()

    # --- reconciling -------------------------------------------------------------------

    def fetch(self, payment):
        """The session's state, and from its PaymentIntent a decline or refunds made at Stripe."""
        if not payment.checkout_session_id:
            return None
        client = self.client()
        with _stripe_call("retrieve a Checkout Session"):
            session = client.v1.checkout.sessions.retrieve(payment.checkout_session_id).to_dict()
        update = session_update(session)
        intent_id = update.payment_intent_id
        if not intent_id:
            return update
        with _stripe_call("retrieve a PaymentIntent"):
            intent = client.v1.payment_intents.retrieve(
                intent_id, {"expand": ["latest_charge"]}
            ).to_dict()
        status, reason = update.status, update.reason
        declined = intent.get("status") == "requires_payment_method" and intent.get(
            "last_payment_error"
        )
        if status == "pending" and declined:
            status, reason = "failed", "declined"
        charge = intent.get("latest_charge")
        refunded = int(charge.get("amount_refunded") or 0) if isinstance(charge, dict) else None
        return PaymentUpdate(
            status=status,
            reason=reason,
            amount_paid=update.amount_paid,
            currency=update.currency,
            refunded_total=refunded,
            payment_intent_id=intent_id,
        )
