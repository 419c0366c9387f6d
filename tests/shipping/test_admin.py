"""What staff see and do in the shipping admin: zones, methods, rate bands, carriers."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from shop.shipping import public as shipping
from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone

from .factories import germany_eu_and_nothing_else, make_method, make_zone

pytestmark = pytest.mark.django_db

ZONES = "/admin/shipping/shippingzone/"
METHODS = "/admin/shipping/shippingmethod/"


def staff_in(client, group: str):
    user = get_user_model().objects.create_user(
        email=f"{group.split()[0].lower()}@example.com", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def order_manager(client):
    return staff_in(client, "Order managers")


def zone_form(name, countries, *, rest_of_world=False, **extra) -> dict:
    return {
        "name": name,
        "countries": countries,
        **({"rest_of_world": "on"} if rest_of_world else {}),
        "position": 0,
        "methods-TOTAL_FORMS": 0,
        "methods-INITIAL_FORMS": 0,
        **extra,
    }


def method_form(zone, code="standard", *, rates=(), carrier="", basis="weight") -> dict:
    data = {
        "zone": zone.pk,
        "code": code,
        "name": "Standard delivery",
        "basis": basis,
        "free_from": "50.00",
        "carrier": carrier,
        "is_active": "on",
        "position": 0,
        "rates-TOTAL_FORMS": len(rates),
        "rates-INITIAL_FORMS": 0,
    }
    for index, (up_to, price) in enumerate(rates):
        data[f"rates-{index}-up_to"] = up_to
        data[f"rates-{index}-price"] = price
    return data


def test_order_managers_set_up_a_zone_and_a_method_priced_by_weight(order_manager):
    ShippingZone.objects.all().delete()

    added = order_manager.post(f"{ZONES}add/", zone_form("Germany", ["DE"]))
    assert added.status_code == 302, added.context["adminform"].form.errors
    zone = ShippingZone.objects.get(name="Germany")
    response = order_manager.post(
        f"{METHODS}add/",
        method_form(zone, rates=[("2000", "4.90"), ("", "9.90")], carrier="demo-courier"),
    )
    assert response.status_code == 302

    [light] = shipping.quote("DE", Decimal("10.00"), 1500)
    [heavy] = shipping.quote("DE", Decimal("10.00"), 2500)
    assert (light.price, heavy.price, light.carrier) == (
        Decimal("4.90"),
        Decimal("9.90"),
        "demo-courier",
    )


def test_a_country_already_in_another_zone_is_refused_naming_that_zone(order_manager):
    germany_eu_and_nothing_else()

    response = order_manager.post(f"{ZONES}add/", zone_form("DACH", ["DE", "CH"]))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["countries"] == ["Already in another zone: Germany (Germany)."]
    assert not ShippingZone.objects.filter(name="DACH").exists()


def test_only_one_zone_serves_the_rest_of_the_world(order_manager):
    response = order_manager.post(f"{ZONES}add/", zone_form("World", [], rest_of_world=True))

    assert response.status_code == 200
    assert "rest_of_world" in response.context["adminform"].form.errors


def test_a_zone_must_serve_somewhere(order_manager):
    response = order_manager.post(f"{ZONES}add/", zone_form("Nowhere", []))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()


def test_a_methods_carrier_is_one_of_the_configured_carriers(order_manager, settings):
    settings.SHIPPING_CARRIERS = {"dhl": "shop.orders.carriers.DemoCarrier"}
    zone = make_zone("Germany", ["DE"], position=3)
    page = order_manager.get(f"{METHODS}add/").content.decode()
    assert 'value="dhl"' in page and "The default carrier (DemoCarrier)" in page

    refused = order_manager.post(f"{METHODS}add/", method_form(zone, carrier="ups"))

    assert refused.status_code == 200
    assert "carrier" in refused.context["adminform"].form.errors
    assert not ShippingMethod.objects.filter(zone=zone).exists()


def test_the_same_code_twice_in_one_zone_is_refused(order_manager):
    zones = germany_eu_and_nothing_else()

    response = order_manager.post(f"{METHODS}add/", method_form(zones["germany"], "express"))

    assert response.status_code == 200
    assert ShippingMethod.objects.filter(zone=zones["germany"], code="express").count() == 1


def test_two_bands_with_the_same_limit_are_refused(order_manager):
    zone = make_zone("Germany", ["DE"], position=3)

    response = order_manager.post(
        f"{METHODS}add/", method_form(zone, rates=[("2000", "4.90"), ("2000", "5.90")])
    )

    assert response.status_code == 200
    assert not ShippingRate.objects.filter(method__zone=zone).exists()


def test_the_lists_show_countries_methods_rates_and_carriers(order_manager):
    germany_eu_and_nothing_else()

    zones = order_manager.get(ZONES).content.decode()
    methods = order_manager.get(METHODS).content.decode()

    assert "France, Austria" in zones or "Austria, France" in zones
    assert "Everywhere" not in zones
    assert "up to 2,000 g: €4.90; up to 10,000 g: €6.90; up to 31,500 g: €12.90" in methods
    assert "demo-courier" in methods
    assert "any more: €12.90" in methods


def test_support_looks_at_shipping_but_cannot_change_it(client):
    support = staff_in(client, "Support")
    zone = ShippingZone.objects.get()

    assert support.get(ZONES).status_code == 200
    assert support.get(f"{ZONES}add/").status_code == 403
    response = support.post(f"{ZONES}{zone.pk}/change/", zone_form("Mine", ["DE"]))
    assert response.status_code == 403


# --- demo data ---------------------------------------------------------------------------------


def test_the_demo_serves_germany_the_eu_the_uk_and_overseas_but_not_brazil():
    call_command("seed_demo_shipping", verbosity=0)

    assert {q.code for q in shipping.quote("DE", Decimal("20.00"), 500)} == {
        "standard",
        "express",
    }
    assert shipping.quote("AT", Decimal("20.00"), 500)[0].price == Decimal("9.90")
    assert shipping.quote("GB", Decimal("120.00"), 500)[0].price == Decimal("9.90")
    assert shipping.quote("US", Decimal("20.00"), 500)[0].code == "international"
    with pytest.raises(shipping.ShippingUnavailable):
        shipping.quote("BR", Decimal("20.00"), 500)
    assert not ShippingZone.objects.filter(rest_of_world=True).exists()


def test_the_demo_leaves_zones_staff_set_up_alone_unless_reset(capsys):
    make_method(make_zone("Mine", ["FR"], position=4))

    call_command("seed_demo_shipping")
    assert "nothing to do" in capsys.readouterr().out
    assert ShippingZone.objects.filter(name="Mine").exists()

    call_command("seed_demo_shipping", "--reset", verbosity=0)
    assert not ShippingZone.objects.filter(name="Mine").exists()
