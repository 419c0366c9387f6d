"""
The customer's emails: an order placed, shipped, cancelled and refunded, the
codes of the gift cards bought on it (decision 0030), and a paid checkout
that could not become an order (refunded). Each is an HTML
and a plain-text part rendered from ``templates/orders/emails/``.

Each email is claimed in ``SentEmail`` under a key in the same transaction as
the consumer's inbox mark, and sent last: a second delivery of the event, or
another event meaning the same thing, finds the claim and sends nothing; a
send that fails rolls the claim back and the task retries. (Only a crash
between the mail server accepting the mail and the commit could repeat it,
the window ``docs/decisions/0001-outbox-per-app.md`` mentions.)

The confirmation links the invoice's page, which serves its PDF once the
``orders.issue_invoice`` consumer has issued it (moments after the order);
with ``ORDERS_ATTACH_INVOICE`` it also carries the PDF
(``invoicing.invoice_for_email`` issues it if the consumer has not yet),
which costs the worker the drawing of a PDF per order.

A deleted customer's orders and checkouts carry an undeliverable address and
get no mail. A guest's order links to its keyed page instead of the account's.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from shop.accounts import public as accounts
from shop.core.db import insert_new

from . import guests, invoicing, selectors
from .db import db
from .models import Checkout, Order, SentEmail

PLACED, SHIPPED, CANCELLED, REFUNDED = "placed", "shipped", "cancelled", "refunded"
CHECKOUT_REFUNDED = "checkout_refunded"
GIFT_CARDS = "gift_cards"
SUBJECTS = {
    GIFT_CARDS: "Your gift cards from order {number}",
    PLACED: "Thank you for your order {number}",
    SHIPPED: "Your order {number} is on its way",
    CANCELLED: "Your order {number} has been cancelled",
    REFUNDED: "A refund for your order {number}",
    CHECKOUT_REFUNDED: "We could not complete your order",
}


def order_url(order: Order) -> str:
    """The account's order page; a guest's order's keyed link (decision 0023)."""
    if order.user_id is None:
        return guests.order_link(order.number)
    return settings.SHOP_URL.rstrip("/") + reverse("orders:detail", args=[order.number])


def invoice_url(order: Order) -> str:
    """
    The order's invoice, at an address that serves it once issued (decision
    0025); a guest's is keyed like their order's link.
    """
    if order.user_id is None:
        path = reverse("orders:guest-invoice", args=[order.number, guests.order_key(order.number)])
    else:
        path = reverse("orders:invoice", args=[order.number])
    return settings.SHOP_URL.rstrip("/") + path


def _message(kind: str, to: str, context: dict, **subject) -> EmailMultiAlternatives:
    context = {"shop_name": settings.SHOP_NAME, **context}
    message = EmailMultiAlternatives(
        subject=f"[{settings.SHOP_NAME}] " + SUBJECTS[kind].format(**subject),
        body=render_to_string(f"orders/emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"orders/emails/{kind}.html", context), "text/html")
    return message


def build_message(order: Order, kind: str, **context) -> EmailMultiAlternatives:
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "shipment": getattr(order, "shipment", None),
        "order_url": order_url(order),
        "invoice_url": invoice_url(order),
        "invoice_attached": settings.ORDERS_ATTACH_INVOICE,
        "gift_cards": list(order.gift_cards.select_related("line")) if kind == GIFT_CARDS else [],
        **context,
    }
    return _message(kind, order.email, context, number=order.number)


def _claim(key: str, kind: str, **about) -> bool:
    """
    Record the email under ``key``; false when it was claimed (sent) before.
    One statement (``ON CONFLICT DO NOTHING``), no savepoint.
    """
    return insert_new(SentEmail(key=key, kind=kind, **about), using=db.alias)


def _undeliverable(email: str) -> bool:
    return accounts.is_deleted_user_email(email)


def send_order_email(number: str, kind: str, key: str, **context) -> bool:
    """
    Mail the customer of order ``number`` the ``kind`` email once per ``key``;
    returns whether it was sent now. Call it inside the consumer's transaction.
    """
    order = selectors.order_with_lines(number)
    if order is None or order.anonymised_at is not None or _undeliverable(order.email):
        return False
    if not _claim(key, kind, order=order):
        return False
    message = build_message(order, kind, **context)
    attach = kind == PLACED and settings.ORDERS_ATTACH_INVOICE
    if attach and (invoice := invoicing.invoice_for_email(order)) is not None:
        message.attach(invoice.filename, invoice.content, "application/pdf")
    message.send()
    return True


def send_checkout_refunded_email(checkout: Checkout) -> bool:
    """
    Tell the customer their payment was refunded because no order could come of
    it (the stock was gone); once per checkout, inside the caller's transaction.
    """
    if _undeliverable(checkout.email):
        return False
    if not _claim(f"checkout-refunded:{checkout.pk}", CHECKOUT_REFUNDED, checkout=checkout):
        return False
    _message(CHECKOUT_REFUNDED, checkout.email, {"checkout": checkout}).send()
    return True
