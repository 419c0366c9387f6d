"""
Guest orders join the account that confirms their email address (decision
0023): when the address is confirmed, or at a sign-in with it confirmed
before; never for an address that is not confirmed.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.test import Client
from django.utils import timezone

from shop.core.messaging import outbox_models
from shop.orders.models import Checkout, GuestClaim
from shop.orders.services import claiming, forgetting, placing

from .factories import make_checkout, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_order():
    return make_order(user_id=None, email="Grace@Example.com", cart_key="cart-key-1")


@pytest.fixture
def grace(django_user_model):
    return django_user_model.objects.create_user(email="grace@example.com", password="pw-1-test")


def published(event_name: str) -> list:
    return [
        message
        for model in outbox_models()
        for message in model.objects.filter(event_name=event_name)
    ]


def test_the_history_shows_the_guest_order_after_confirming_the_same_email(
    guest_order, grace, deliver
):
    browser = Client()
    browser.force_login(grace)
    assert guest_order.number not in browser.get("/orders/").content.decode()

    address = EmailAddress.objects.create(user=grace, email=grace.email, verified=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    deliver()

    guest_order.refresh_from_db()
    assert guest_order.user_id == grace.pk
    assert guest_order.checkout.user_id == grace.pk
    assert guest_order.number in browser.get("/orders/").content.decode()
    assert browser.get(f"/orders/{guest_order.number}/").status_code == 200


def test_nothing_is_claimed_for_an_unconfirmed_address(guest_order, grace, deliver):
    EmailAddress.objects.create(user=grace, email=grace.email, verified=False)
    browser = Client()
    browser.force_login(grace)  # a sign-in announces confirmed addresses only
    deliver()
    assert published("accounts.EmailConfirmed") == []
    guest_order.refresh_from_db()
    assert guest_order.user_id is None
    assert guest_order.number not in browser.get("/orders/").content.decode()


def test_signing_in_with_an_address_confirmed_before_claims_later_guest_orders(grace, deliver):
    EmailAddress.objects.create(user=grace, email=grace.email, verified=True)
    order = make_order(user_id=None, email="grace@example.com")
    Client().force_login(grace)
    deliver()
    order.refresh_from_db()
    assert order.user_id == grace.pk


def test_claiming_twice_changes_nothing_more(guest_order, grace):
    assert claiming.claim_guest_orders(grace.pk, "grace@example.com") == 1
    assert claiming.claim_guest_orders(grace.pk, "GRACE@example.com") == 0
    assert GuestClaim.objects.get().user_id == grace.pk
    note = guest_order.status_changes.get(internal=True)
    assert (
        note.note
        == f"Bought as a guest; joined account {grace.pk}, which confirmed grace@example.com."
    )
    assert note.from_status == note.to_status == "paid"


def test_a_checkout_awaiting_payment_when_claimed_becomes_the_accounts_order(grace):
    checkout = make_checkout(user_id=None, email="grace@example.com", cart_key="k")
    Checkout.objects.filter(pk=checkout.pk).update(status=Checkout.Status.AWAITING_PAYMENT)
    claiming.claim_guest_orders(grace.pk, "grace@example.com")
    checkout.refresh_from_db()
    assert checkout.user_id is None  # it holds stock under its cart until paid
    claiming.claim_for_claimed_email(checkout)
    assert checkout.user_id == grace.pk
    order = placing.place_order(checkout)
    assert order.user_id == grace.pk


def test_a_deleted_account_forgets_its_claimed_guest_orders(guest_order, grace):
    claiming.claim_guest_orders(grace.pk, "grace@example.com")
    forgetting.forget_customer(grace.pk, timezone.now())
    guest_order.refresh_from_db()
    assert guest_order.anonymised_at is not None
    assert guest_order.email != "Grace@Example.com"
    assert not GuestClaim.objects.exists()


def test_signing_up_with_the_guests_email_shows_the_order_only_after_confirming_it(
    guest_order, deliver
):
    browser = Client()
    password = "quiet-harbour-1843"
    signed_up = browser.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": password, "password2": password},
    )
    assert signed_up.status_code == 302
    deliver()
    assert guest_order.number not in browser.get("/orders/").content.decode()
    guest_order.refresh_from_db()
    assert guest_order.user_id is None

    confirmation = next(m for m in mail.outbox if "confirm-email" in m.body)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", confirmation.body)[1]
    assert browser.post(link).status_code == 302
    deliver()

    history = browser.get("/orders/").content.decode()
    assert guest_order.number in history
