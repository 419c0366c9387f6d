"""What staff see and do with payments in the admin: look, search, and refund."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from shop.payments.events import PaymentRefunded
from shop.payments.gateways import PaymentUpdate
from shop.payments.models import GatewayEvent, Payment, Refund
from shop.payments.services.status import apply_update

from .conftest import create_payment, published, session_id

pytestmark = pytest.mark.django_db

PAYMENTS = "/admin/payments/payment/"
GATEWAY_EVENTS = "/admin/payments/gatewayevent/"


def staff(group: str, email: str):
    user = get_user_model().objects.create_user(email=email, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def order_manager(client):
    client.force_login(staff("Order managers", "orders@example.com"))
    return client


@pytest.fixture
def paid(fake_stripe, customer) -> Payment:
    payment = create_payment(customer, reference="checkout-42", amount="49.90")
    session = fake_stripe.pay(session_id(payment))
    update = PaymentUpdate(
        status="succeeded",
        amount_paid=session["amount_total"],
        currency="eur",
        payment_intent_id=session["payment_intent"],
    )
    return apply_update(payment.id, update, source="Stripe: checkout.session.completed")


def refund_page(payment) -> str:
    return f"{PAYMENTS}{payment.pk}/refund/"


def form_key(response) -> str:
    return response.context["form"]["key"].value()


def test_order_managers_see_a_payment_with_its_log_and_cannot_edit_it(order_manager, paid):
    listing = order_manager.get(PAYMENTS)
    detail = order_manager.get(f"{PAYMENTS}{paid.pk}/change/")

    assert listing.status_code == 200
    assert [payment.reference for payment in listing.context["cl"].result_list] == ["checkout-42"]
    assert "€49.90" in listing.content.decode()
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Paid €49.90." in html
    assert paid.payment_intent_id in html
    assert refund_page(paid) in html
    assert not detail.context["has_change_permission"]
    assert order_manager.post(f"{PAYMENTS}{paid.pk}/delete/").status_code == 403


def test_payments_are_found_by_a_stripe_id(order_manager, paid, fake_stripe, customer):
    create_payment(customer, reference="checkout-43")

    for term in (paid.checkout_session_id, paid.payment_intent_id, "checkout-42"):
        response = order_manager.get(PAYMENTS, {"q": term})
        assert [p.reference for p in response.context["cl"].result_list] == ["checkout-42"]


def test_flagged_payments_can_be_listed_on_their_own(order_manager, fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42")
    create_payment(customer, reference="checkout-43")
    apply_update(
        payment.id, PaymentUpdate(status="succeeded", amount_paid=1, currency="eur"), source="t"
    )

    response = order_manager.get(PAYMENTS, {"flagged__exact": "1"})

    assert [p.reference for p in response.context["cl"].result_list] == ["checkout-42"]


def test_gateway_events_that_could_not_be_processed_are_listed_with_their_error(
    order_manager, fake_stripe
):
    def stored(event_id: str, **fields) -> GatewayEvent:
        event = fake_stripe.event("charge.refunded", {"id": "ch_1", "object": "charge"})
        return GatewayEvent.objects.create(
            provider="stripe", event_id=event_id, type=event["type"], payload=event, **fields
        )

    stored("evt_waiting")
    stored("evt_processed", processed_at=timezone.now(), outcome="payment succeeded")
    stored(
        "evt_failed",
        attempts=10,
        last_error="RuntimeError: a bug",
        outcome="failed: RuntimeError: a bug",
        failed_at=timezone.now(),
    )

    def listed(state: str) -> list[str]:
        response = order_manager.get(GATEWAY_EVENTS, {"state": state})
        assert response.status_code == 200
        return [event.event_id for event in response.context["cl"].result_list]

    assert listed("failed") == ["evt_failed"]
    assert listed("waiting") == ["evt_waiting"]
    assert listed("processed") == ["evt_processed"]
    page = order_manager.get(GATEWAY_EVENTS, {"state": "failed"}).content.decode()
    assert "failed: RuntimeError: a bug" in page
    detail = order_manager.get(
        f"{GATEWAY_EVENTS}{GatewayEvent.objects.get(event_id='evt_failed').pk}/change/"
    )
    assert "RuntimeError: a bug" in detail.content.decode()


def test_an_order_manager_refunds_part_of_a_payment_after_confirming(
    order_manager, paid, fake_stripe
):
    form = order_manager.get(refund_page(paid))
    assert form.status_code == 200
    assert "49.90" in form.content.decode()

    response = order_manager.post(
        refund_page(paid), {"amount": "10.00", "reason": "Scratched", "key": form_key(form)}
    )

    assert response.status_code == 302
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_amount) == ("partially_refunded", Decimal("10.00"))
    refund = Refund.objects.get()
    assert refund.reason == "Scratched"
    assert paid.log.filter(source="admin: orders@example.com").exists()
    assert len(published(PaymentRefunded)) == 1
    assert len(fake_stripe.calls("POST", r"/v1/refunds")) == 1


def test_an_empty_amount_refunds_everything_left(order_manager, paid):
    form = order_manager.get(refund_page(paid))

    order_manager.post(refund_page(paid), {"amount": "", "key": form_key(form)})

    paid.refresh_from_db()
    assert (paid.status, paid.refunded_amount) == ("refunded", Decimal("49.90"))


def test_submitting_the_refund_page_twice_refunds_once(order_manager, paid, fake_stripe):
    form = order_manager.get(refund_page(paid))
    data = {"amount": "5.00", "key": form_key(form)}

    order_manager.post(refund_page(paid), data)
    order_manager.post(refund_page(paid), data)

    assert Refund.objects.count() == 1
    assert len(fake_stripe.refunds) == 1


def test_the_refund_is_reported_and_listed_in_the_store_currency(order_manager, paid):
    form = order_manager.get(refund_page(paid))

    response = order_manager.post(
        refund_page(paid), {"amount": "10.00", "key": form_key(form)}, follow=True
    )

    assert "Refunded €10.00." in [str(message) for message in response.context["messages"]]
    assert "€10.00" in order_manager.get("/admin/payments/refund/").content.decode()


def test_refunding_more_than_is_left_is_refused_on_the_page(order_manager, paid):
    form = order_manager.get(refund_page(paid))

    response = order_manager.post(refund_page(paid), {"amount": "60.00", "key": form_key(form)})

    assert response.status_code == 200
    assert "At most €49.90 can be refunded." in response.content.decode()
    assert not Refund.objects.exists()


def test_the_refund_action_leads_to_the_refund_page(order_manager, paid):
    response = order_manager.post(
        PAYMENTS, {"action": "refund", "_selected_action": [str(paid.pk)]}
    )

    assert response.status_code == 302
    assert response["Location"] == refund_page(paid)


def test_support_staff_can_look_but_not_refund(client, paid):
    client.force_login(staff("Support", "support@example.com"))

    assert client.get(f"{PAYMENTS}{paid.pk}/change/").status_code == 200
    assert client.get(refund_page(paid)).status_code == 403
    assert client.post(refund_page(paid), {"key": "k"}).status_code == 403
    assert not Refund.objects.exists()
