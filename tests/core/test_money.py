from decimal import Decimal

from shop.core.money import from_minor_units, quantize, to_minor_units


def test_amounts_round_half_up_to_the_store_currency_cent(settings):
    settings.SHOP_CURRENCY = "EUR"
    assert quantize("2.345") == Decimal("2.35")
    assert quantize(Decimal("2.344")) == Decimal("2.34")
    assert str(quantize(3)) == "3.00"


def test_gateways_get_minor_units_in_each_currencys_own_scale():
    assert to_minor_units(Decimal("12.34"), "EUR") == 1234
    assert to_minor_units(Decimal("1234"), "JPY") == 1234
    assert to_minor_units(Decimal("1.234"), "KWD") == 1234
    assert from_minor_units(1234, "EUR") == Decimal("12.34")
    assert from_minor_units(1234, "JPY") == Decimal("1234")
