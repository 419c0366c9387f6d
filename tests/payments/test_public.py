"""``shop.payments.public`` as the orders app uses it: plain data in and out, clear refusals."""

from decimal import Decimal

import pytest

from shop.core.remote.calls import dump_arguments, load_arguments
from shop.payments import public

from .conftest import CANCEL_URL, RETURN_URL, create_payment, make_customer

pytestmark = pytest.mark.django_db


def test_a_payment_is_found_by_id_and_by_reference(test_gateway, customer):
    payment = create_payment(customer, reference="checkout-42")

    assert public.get_payment(payment.id) == payment
    assert public.get_payment_for_reference("checkout-42") == payment
    assert isinstance(payment, public.PaymentInfo)
    assert payment.currency == "EUR"
    assert payment.refunded_amount == Decimal("0")


@pytest.mark.parametrize("payment_id", ["nope", "", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_payment_id_is_not_found(payment_id):
    with pytest.raises(public.PaymentNotFound) as missing:
        public.get_payment(payment_id)

    assert missing.value.status_code == 404


def test_an_unknown_reference_is_not_found():
    with pytest.raises(public.PaymentNotFound):
        public.get_payment_for_reference("checkout-0")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.999"), Decimal("NaN")])
def test_an_amount_that_is_not_positive_money_is_refused(test_gateway, customer, amount):
    with pytest.raises(public.InvalidAmount):
        create_payment(customer, amount=amount)


def test_a_reference_for_another_customer_is_a_conflict(test_gateway, customer):
    create_payment(customer, reference="checkout-42")

    with pytest.raises(public.PaymentConflict):
        create_payment(make_customer("bob@example.com"), reference="checkout-42")


@pytest.mark.parametrize(
    "changes",
    [{"reference": ""}, {"reference": "x" * 101}, {"return_url": ""}, {"user_id": "7"}],
)
def test_incomplete_requests_are_refused_with_a_code(test_gateway, customer, changes):
    request = {
        "reference": "checkout-42",
        "amount": Decimal("10.00"),
        "user_id": customer.pk,
        "description": "",
        "return_url": RETURN_URL,
        "cancel_url": CANCEL_URL,
        **changes,
    }

    with pytest.raises(public.InvalidPaymentRequest) as refused:
        public.create_payment(**request)

    assert refused.value.code == "invalid_payment_request"


def test_a_settled_payment_has_no_redirect_url(test_gateway, customer):
    create_payment(customer, reference="checkout-42")

    assert public.cancel_payment("checkout-42").redirect_url == ""
    assert public.get_payment_for_reference("checkout-42").redirect_url == ""


def test_a_guests_payment_has_no_user_and_its_reference_stays_theirs(test_gateway, customer):
    guest = public.create_payment(
        reference="checkout-guest",
        amount=Decimal("10.00"),
        user_id=None,
        description="",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
    )
    assert guest.redirect_url
    again = public.create_payment(
        reference="checkout-guest",
        amount=Decimal("10.00"),
        user_id=None,
        description="",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
    )
    assert again.id == guest.id

    with pytest.raises(public.PaymentConflict):
        create_payment(customer, reference="checkout-guest", amount="10.00")


def test_a_guests_missing_user_id_travels_to_payments_running_elsewhere():
    arguments = {
        "reference": "checkout-guest",
        "amount": Decimal("10.00"),
        "user_id": None,
        "description": "",
        "return_url": RETURN_URL,
        "cancel_url": CANCEL_URL,
        "customer_email": "grace@example.com",
    }
    sent = dump_arguments(public.create_payment, arguments)
    assert sent["user_id"] is None
    assert load_arguments(public.create_payment, sent)["user_id"] is None
