"""
Pricing delivery: the zone of a country (or the rest of the world), rates by
order value or weight in bands, free delivery from an order value per method,
and the countries and orders nobody delivers.
"""

from decimal import Decimal

import pytest

from shop.shipping import public as shipping
from shop.shipping.data import ShippingQuote

from .factories import germany_eu_and_nothing_else, make_method, make_zone, only_zones

pytestmark = pytest.mark.django_db


def priced(country, subtotal="10.00", weight=0) -> dict[str, Decimal]:
    return {q.code: q.price for q in shipping.quote(country, Decimal(subtotal), weight)}


def test_a_new_shop_delivers_everywhere_at_the_prices_it_had_before_zones():
    assert priced("DE") == {"standard": Decimal("4.90"), "express": Decimal("12.90")}
    assert priced("BR", "50.00") == {"standard": Decimal("0.00"), "express": Decimal("12.90")}


def test_each_country_gets_the_methods_and_prices_of_its_own_zone():
    germany_eu_and_nothing_else()

    [standard, express] = shipping.quote("DE", Decimal("10.00"), 500)
    assert standard == ShippingQuote(
        code="standard",
        name="Standard to Germany",
        price=Decimal("4.90"),
        carrier="",
        zone="Germany",
        free_from=Decimal("50.00"),
    )
    assert (express.code, express.price, express.carrier) == (
        "express",
        Decimal("12.90"),
        "demo-courier",
    )
    assert priced("FR", weight=500) == {"standard": Decimal("9.90")}


@pytest.mark.parametrize("country", ["BR", "US", "br"])
def test_a_country_no_zone_serves_is_refused_with_shipping_unavailable(country):
    germany_eu_and_nothing_else()

    with pytest.raises(shipping.ShippingUnavailable) as refused:
        shipping.quote(country, Decimal("10.00"), 500)

    assert refused.value.code == "shipping_unavailable"
    assert refused.value.status_code == 422
    assert refused.value.extra == {"country": country.upper(), "reason": "country"}
    assert "We do not deliver to" in refused.value.detail


@pytest.mark.parametrize("country", ["", "XX", "DEU", "  ", "D\x00"])
def test_something_that_is_not_a_country_is_not_served(country):
    with pytest.raises(shipping.ShippingUnavailable):
        shipping.quote(country, Decimal("10.00"), 0)


def test_the_rest_of_the_world_zone_serves_every_country_no_other_zone_lists():
    germany_eu_and_nothing_else()
    world = make_zone("World", rest_of_world=True, position=5)
    make_method(world, "international", rates=((None, "29.00"),))

    assert priced("BR") == {"international": Decimal("29.00")}
    assert set(priced("DE")) == {"standard", "express"}  # a listed country keeps its zone


@pytest.mark.parametrize(
    ("grams", "price"),
    [(0, "4.90"), (2000, "4.90"), (2001, "6.90"), (10000, "6.90"), (31500, "12.90")],
)
def test_weight_bands_apply_up_to_and_including_their_limit(grams, price):
    germany_eu_and_nothing_else()

    assert priced("DE", "10.00", grams)["standard"] == Decimal(price)


def test_an_order_heavier_than_every_band_cannot_use_that_method():
    germany_eu_and_nothing_else()

    assert set(priced("DE", "10.00", 40000)) == {"express"}
    with pytest.raises(shipping.ShippingUnavailable) as refused:
        shipping.quote("FR", Decimal("10.00"), 40000)
    assert refused.value.extra == {"country": "FR", "reason": "order"}
    assert "40.0 kg" in refused.value.detail


@pytest.mark.parametrize(
    ("subtotal", "price"), [("0.00", "6.90"), ("20.00", "6.90"), ("20.01", "4.90"), ("999", "4.90")]
)
def test_value_bands_apply_to_the_orders_value(subtotal, price):
    only_zones()
    uk = make_zone("UK", ["GB"])
    make_method(uk, rates=((None, "4.90"), ("20.00", "6.90")))  # given in any order

    assert priced("GB", subtotal)["standard"] == Decimal(price)


@pytest.mark.parametrize(("subtotal", "price"), [("49.99", "6.90"), ("50.00", "0.00")])
def test_a_method_is_free_from_its_own_threshold_whatever_the_weight_band(subtotal, price):
    germany_eu_and_nothing_else()

    prices = priced("DE", subtotal, 5000)

    assert prices["standard"] == Decimal(price)
    assert prices["express"] == Decimal("12.90")  # no threshold of its own


def test_withdrawn_methods_and_methods_without_rates_are_not_offered():
    only_zones()
    zone = make_zone("Germany", ["DE"])
    make_method(zone, "standard")
    make_method(zone, "express", is_active=False)
    make_method(zone, "pickup", rates=())

    assert set(priced("DE")) == {"standard"}


def test_a_zone_with_nothing_offered_is_not_served_at_the_moment():
    only_zones()
    make_method(make_zone("Germany", ["DE"]), is_active=False)

    with pytest.raises(shipping.ShippingUnavailable) as refused:
        shipping.quote("DE", Decimal("10.00"), 0)

    assert refused.value.extra["reason"] == "country"
    assert "at the moment" in refused.value.detail


def test_methods_come_in_the_order_staff_gave_them():
    only_zones()
    zone = make_zone("Germany", ["DE"])
    make_method(zone, "b", position=2)
    make_method(zone, "a", position=1)
    make_method(zone, "c", position=3)

    assert [q.code for q in shipping.quote("DE", Decimal(1), 0)] == ["a", "b", "c"]


def test_prices_are_quantized_to_the_store_currency():
    only_zones()
    make_method(make_zone("Germany", ["DE"]), rates=((None, "5"),))

    assert str(shipping.quote("DE", Decimal("3.3333"), 0)[0].price) == "5.00"


def test_a_quote_takes_three_queries_however_many_zones_and_rates(django_assert_num_queries):
    germany_eu_and_nothing_else()
    for country in ("IT", "ES", "PL", "SE", "DK"):
        make_method(make_zone(country, [country]), rates=((1, "1"), (None, "2")))

    with django_assert_num_queries(3):
        shipping.quote("DE", Decimal("10.00"), 500)
