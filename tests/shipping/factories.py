"""Builders for shipping test data: zones with methods and their rate bands."""

from decimal import Decimal

from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone


def only_zones() -> None:
    """Start from no zone at all (the tests' default "Everywhere" zone removed)."""
    ShippingZone.objects.all().delete()


def make_zone(name: str, countries=(), *, rest_of_world=False, position=0) -> ShippingZone:
    return ShippingZone.objects.create(
        name=name, countries=list(countries), rest_of_world=rest_of_world, position=position
    )


def make_method(
    zone: ShippingZone,
    code: str = "standard",
    *,
    rates=((None, "4.90"),),
    basis: str = "value",
    name: str | None = None,
    free_from: str | None = None,
    carrier: str = "",
    position: int = 0,
    is_active: bool = True,
) -> ShippingMethod:
    """A method with ``rates``: ``(up to or None, price)`` pairs."""
    method = ShippingMethod.objects.create(
        zone=zone,
        code=code,
        name=name or f"{code.title()} to {zone.name}",
        basis=basis,
        free_from=None if free_from is None else Decimal(free_from),
        carrier=carrier,
        position=position,
        is_active=is_active,
    )
    for up_to, price in rates:
        ShippingRate.objects.create(
            method=method,
            up_to=None if up_to is None else Decimal(str(up_to)),
            price=Decimal(price),
        )
    return method


def germany_eu_and_nothing_else() -> dict[str, ShippingZone]:
    """
    Germany (standard by weight, free from 50.00; express flat, by the
    courier), the EU's France and Austria (standard by weight), and no
    rest-of-the-world zone: every other country is not served.
    """
    only_zones()
    germany = make_zone("Germany", ["DE"], position=0)
    make_method(
        germany,
        "standard",
        basis="weight",
        free_from="50.00",
        rates=((2000, "4.90"), (10000, "6.90"), (31500, "12.90")),
    )
    make_method(germany, "express", rates=((None, "12.90"),), carrier="demo-courier", position=1)
    eu = make_zone("EU", ["FR", "AT"], position=1)
    make_method(eu, "standard", basis="weight", rates=((2000, "9.90"), (10000, "16.90")))
    return {"germany": germany, "eu": eu}
