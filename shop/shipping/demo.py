"""
The demo's shipping, for a shop in Germany: domestic parcels by weight, the
rest of the EU by weight, the United Kingdom by order value (cheaper per
order above 100.00), a few countries overseas at a price, and nothing else:
Brazil, for one, is not served, so the storefront can show a refusal
(``shipping_unavailable``). Express methods go with the demo's second
carrier ("demo-courier").
"""

from decimal import Decimal

from . import defaults
from .db import db
from .models import ShippingMethod, ShippingRate, ShippingZone

EU = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
OVERSEAS = ["US", "CA", "CH", "NO", "AU", "NZ", "JP"]

D = Decimal
# zone name, countries, methods: (code, name, basis, free from, carrier, [(up to, price)])
ZONES = (
    ("Germany", ["DE"], (
        ("standard", "Standard delivery (1 to 3 working days)", "weight", D("50.00"), "",
         [(D(2000), D("4.90")), (D(10000), D("6.90")), (D(31500), D("12.90"))]),
        ("express", "Express delivery (next working day)", "value", None, "demo-courier",
         [(None, D("12.90"))]),
    )),
    ("European Union", EU, (
        ("standard", "Standard delivery (3 to 6 working days)", "weight", D("120.00"), "",
         [(D(2000), D("9.90")), (D(10000), D("16.90")), (D(31500), D("29.90"))]),
        ("express", "Express delivery (1 to 2 working days)", "weight", None, "demo-courier",
         [(D(5000), D("24.90")), (D(31500), D("39.90"))]),
    )),
    ("United Kingdom", ["GB"], (
        ("standard", "Standard delivery (4 to 7 working days, duties paid)", "value",
         D("200.00"), "", [(D("100.00"), D("14.90")), (None, D("9.90"))]),
        ("express", "Express delivery (2 working days, duties paid)", "weight", None,
         "demo-courier", [(D(5000), D("29.90"))]),
    )),
    ("Overseas", OVERSEAS, (
        ("international", "International parcel (6 to 12 working days)", "weight", None, "",
         [(D(2000), D("24.90")), (D(10000), D("49.90")), (D(20000), D("79.90"))]),
    )),
)  # fmt: skip


def is_untouched() -> bool:
    """Whether the zones are still only the default one a new shop starts with."""
    zones = list(ShippingZone.objects.all())
    return not zones or (len(zones) == 1 and zones[0].name == defaults.NAME)


def seed() -> int:
    """Replace every zone with the demo's; returns how many methods were created."""
    methods = 0
    with db.atomic():
        ShippingZone.objects.all().delete()
        for position, (name, countries, offered) in enumerate(ZONES):
            zone = ShippingZone.objects.create(name=name, countries=countries, position=position)
            for order, (code, title, basis, free_from, carrier, rates) in enumerate(offered):
                method = ShippingMethod.objects.create(
                    zone=zone,
                    code=code,
                    name=title,
                    basis=basis,
                    free_from=free_from,
                    carrier=carrier,
                    position=order,
                )
                ShippingRate.objects.bulk_create(
                    ShippingRate(method=method, up_to=up_to, price=price) for up_to, price in rates
                )
                methods += 1
    return methods
