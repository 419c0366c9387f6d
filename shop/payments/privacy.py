"""
What payments forgets when a customer deletes their account
(``accounts.UserDeleted``): the personal details gateways sent about them in
their notifications (Stripe's ``customer_details``: email, name, address,
phone). Payments, refunds, amounts, gateway ids and the payment log stay:
the books need them, and Stripe keeps its own records under its own rules.
"""

from .db import db
from .models import GatewayEvent

# Keys of Stripe objects that hold a person's details, wherever they appear.
PERSONAL_KEYS = frozenset(
    {
        "customer_details",
        "customer_email",
        "billing_details",
        "shipping_details",
        "shipping",
        "receipt_email",
    }
)


def scrubbed(value):
    """``value`` (a gateway's JSON) with every personal field emptied."""
    if isinstance(value, dict):
        return {
            key: None if key in PERSONAL_KEYS else scrubbed(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    return value


@db.atomic()
def forget_customer(user_id: int) -> int:
    """Scrub the notifications about ``user_id``'s payments; returns how many changed."""
    changed = []
    events = GatewayEvent.objects.select_for_update().filter(payment__user_id=user_id)
    for event in events:
        clean = scrubbed(event.payload)
        if clean != event.payload:
            event.payload = clean
            changed.append(event)
    GatewayEvent.objects.bulk_update(changed, ["payload"])
    return len(changed)
