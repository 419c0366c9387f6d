"""A customer who deletes their account leaves the stored gateway notifications; the books stay."""

from datetime import UTC, datetime

import pytest

from shop.accounts.events import UserDeleted
from shop.payments.models import GatewayEvent, Payment
from shop.payments.tasks import forget_customer

from .conftest import create_payment, make_customer, post_webhook, processed, session_id

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def user_deleted(user_id: int) -> dict:
    deleted_at = datetime(2026, 12, 2, 12, 0, tzinfo=UTC).isoformat()
    return {
        "id": "0b8d3c2e-5f41-4a57-9d0e-6c1f2a3b4c5d",
        "name": UserDeleted.name,
        "version": 1,
        "occurred_at": deleted_at,
        "payload": {"user_id": user_id, "deleted_at": deleted_at},
    }


def paid_at_stripe(client, fake_stripe, customer, reference: str) -> GatewayEvent:
    payment = create_payment(customer, reference=reference)
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))
    assert post_webhook(client, event).status_code == 200
    assert processed(event["id"])
    return GatewayEvent.objects.get(event_id=event["id"])


def test_deleting_an_account_scrubs_its_details_from_stripe_notifications(
    client, fake_stripe, customer
):
    theirs = paid_at_stripe(client, fake_stripe, customer, "checkout-1")
    other = paid_at_stripe(client, fake_stripe, make_customer("bob@example.com"), "checkout-2")
    session = theirs.payload["data"]["object"]
    assert session["customer_details"]["email"] == "ada@example.com"

    forget_customer(user_deleted(customer.pk))

    theirs.refresh_from_db()
    session = theirs.payload["data"]["object"]
    assert session["customer_details"] is None and session["customer_email"] is None
    assert "ada@example.com" not in str(theirs.payload) and "Lovelace" not in str(theirs.payload)
    assert (session["amount_total"], session["payment_intent"]) == (
        4990,
        Payment.objects.get(reference="checkout-1").payment_intent_id,
    )
    assert Payment.objects.get(reference="checkout-1").status == "succeeded"
    other.refresh_from_db()
    assert other.payload["data"]["object"]["customer_details"]["email"] == "bob@example.com"
