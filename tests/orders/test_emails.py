"""
The customer gets an HTML and plain-text email when the order is placed,
shipped, cancelled and refunded: one per event, however often it arrives.
"""

import pytest

from shop.orders.models import OutboxMessage, SentEmail
from shop.orders.services import lifecycle, refunds
from shop.orders.tasks import email_order_placed, email_order_shipped

from .conftest import run_consumers
from .factories import make_order

pytestmark = pytest.mark.django_db


def envelope(event_name: str) -> dict:
    return OutboxMessage.objects.get(event_name=event_name).envelope()


def html(message) -> str:
    ((content, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return content


def test_placing_an_order_sends_one_confirmation_with_its_lines(ada, mailoutbox, deliver):
    order = make_order(user_id=ada.pk, email="ada@example.com")

    deliver()

    (mail,) = mailoutbox
    assert mail.to == ["ada@example.com"]
    assert order.number in mail.subject
    assert "Product TEE-M" in mail.body and "€44.70" in mail.body
    assert f"/orders/{order.number}/" in mail.body
    assert "Product TEE-M" in html(mail) and "<table" in html(mail)


def test_the_same_event_delivered_twice_sends_one_email(ada, mailoutbox):
    make_order(user_id=ada.pk)
    placed = envelope("orders.OrderPlaced")

    email_order_placed(placed)
    email_order_placed(placed)

    assert len(mailoutbox) == 1


def test_a_second_event_meaning_the_same_sends_no_second_email(ada, mailoutbox):
    """Two different deliveries (event ids) of "order placed" still mail once."""
    make_order(user_id=ada.pk)
    placed = envelope("orders.OrderPlaced")

    email_order_placed(placed)
    email_order_placed({**placed, "id": "00000000-0000-4000-8000-000000000001"})

    assert len(mailoutbox) == 1
    assert SentEmail.objects.get().kind == "placed"


def test_shipping_mails_the_tracking_link_once(ada, mailoutbox):
    order = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(order.number, actor="staff:1")
    shipped = envelope("orders.OrderShipped")

    email_order_shipped(shipped)
    email_order_shipped(shipped)

    (mail,) = mailoutbox
    shipment = order.shipment
    assert "on its way" in mail.subject
    assert shipment.tracking_url in mail.body
    assert f'href="{shipment.tracking_url}"' in html(mail)


def test_cancelling_and_refunding_mail_the_customer_once_each(ada, mailoutbox, gateway, deliver):
    order = make_order(user_id=ada.pk)
    deliver()
    mailoutbox.clear()

    lifecycle.cancel_order(order.number, actor=f"customer:{ada.pk}", reason="Wrong size")
    deliver()
    for message in OutboxMessage.objects.filter(
        event_name__in=["orders.OrderCancelled", "orders.OrderRefunded"]
    ):
        run_consumers(message)

    subjects = sorted(mail.subject for mail in mailoutbox)
    assert len(subjects) == 2
    assert "cancelled" in subjects[1] and "refund" in subjects[0]
    cancelled = next(mail for mail in mailoutbox if "cancelled" in mail.subject)
    assert "Wrong size" in cancelled.body
    refunded = next(mail for mail in mailoutbox if "refund" in mail.subject)
    assert "€44.70" in refunded.body and "whole amount" in refunded.body


def test_each_partial_refund_gets_its_own_email(ada, mailoutbox, gateway, deliver):
    order = make_order(user_id=ada.pk)
    deliver()
    mailoutbox.clear()

    refunds.refund_order(order.number, "5.00", actor="staff:1", key="a")
    refunds.refund_order(order.number, "7.00", actor="staff:1", key="b")
    deliver()

    assert len(mailoutbox) == 2
    assert "€5.00" in mailoutbox[0].body and "€12.00 of €44.70" in mailoutbox[1].body


def test_a_failing_mail_server_leaves_no_mark_so_the_retry_sends(ada, mailoutbox, monkeypatch):
    make_order(user_id=ada.pk)
    placed = envelope("orders.OrderPlaced")

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        with pytest.raises(ConnectionRefusedError):
            email_order_placed(placed)

    assert not SentEmail.objects.exists()
    email_order_placed(placed)
    assert len(mailoutbox) == 1
