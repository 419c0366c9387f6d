"""
The customer's order emails: placed, shipped, cancelled and refunded, each
an HTML and a plain-text part rendered from ``templates/orders/emails/``.

Each email is claimed in ``SentEmail`` under a key in the same transaction as
the consumer's inbox mark, and sent last: a second delivery of the event, or
another event meaning the same thing, finds the claim and sends nothing; a
send that fails rolls the claim back and the task retries. (Only a crash
between the mail server accepting the mail and the commit could repeat it,
the window ``docs/decisions/0001-outbox-per-app.md`` mentions.)

Orders of a deleted customer carry an undeliverable address and get no mail.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Order, SentEmail

PLACED, SHIPPED, CANCELLED, REFUNDED = "placed", "shipped", "cancelled", "refunded"
SUBJECTS = {
    PLACED: "Thank you for your order {number}",
    SHIPPED: "Your order {number} is on its way",
    CANCELLED: "Your order {number} has been cancelled",
    REFUNDED: "A refund for your order {number}",
}


def order_url(order: Order) -> str:
    return settings.SHOP_URL.rstrip("/") + reverse("orders:detail", args=[order.number])


def build_message(order: Order, kind: str, **context) -> EmailMultiAlternatives:
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "shipment": getattr(order, "shipment", None),
        "order_url": order_url(order),
        "shop_name": settings.SHOP_NAME,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SHOP_NAME}] " + SUBJECTS[kind].format(number=order.number),
        body=render_to_string(f"orders/emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"orders/emails/{kind}.html", context), "text/html")
    return message


def send_order_email(number: str, kind: str, key: str, **context) -> bool:
    """
    Mail the customer of order ``number`` the ``kind`` email once per ``key``;
    returns whether it was sent now. Call it inside the consumer's transaction.
    """
    order = Order.objects.select_related("shipment").filter(number=number).first()
    if order is None or order.anonymised_at is not None or order.email.endswith("@invalid"):
        return False
    try:
        with transaction.atomic():
            SentEmail.objects.create(order=order, key=key, kind=kind)
    except IntegrityError:
        return False
    build_message(order, kind, **context).send()
    return True
