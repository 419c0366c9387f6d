"""
The shipping the shop starts with: one zone, "Everywhere", serving every
country, with the two methods the shop had before zones existed (standard,
free from 50.00, and express). Migration 0002 creates it on a new database
so a shop works before staff set up zones; the tests re-create it after a
test that flushed the database.

It takes the model classes, so the migration can pass its historical ones.
"""

from decimal import Decimal

NAME = "Everywhere"
METHODS = (
    # code, name, price, free from
    ("standard", "Standard delivery (3 to 5 working days)", Decimal("4.90"), Decimal("50.00")),
    ("express", "Express delivery (next working day)", Decimal("12.90"), None),
)


def create_default_zone(zone_model, method_model, rate_model, using: str = "default") -> bool:
    """Create the default zone unless there is any zone; returns whether it did."""
    if zone_model.objects.using(using).exists():
        return False
    zone = zone_model.objects.using(using).create(name=NAME, rest_of_world=True)
    for position, (code, name, price, free_from) in enumerate(METHODS):
        method = method_model.objects.using(using).create(
            zone=zone, code=code, name=name, basis="value", free_from=free_from, position=position
        )
        rate_model.objects.using(using).create(method=method, up_to=None, price=price)
    return True
