"""Rates staff keep in the admin: validity dates, no overlaps, the public calculation."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from shop.taxes import public
from shop.taxes.models import TaxClass, TaxRate

D = Decimal
pytestmark = pytest.mark.django_db


def rate(country, code, value, since, until=None):
    return TaxRate.objects.create(
        country=country,
        tax_class=TaxClass.objects.get(code=code),
        rate=D(value),
        valid_from=since,
        valid_until=until,
    )


def test_every_shop_has_the_standard_reduced_and_zero_classes():
    assert {c.code for c in public.tax_classes()} >= {"standard", "reduced", "zero"}


def test_the_rate_in_force_on_the_day_applies(settings):
    rate("DE", "standard", "16", date(2020, 7, 1), date(2020, 12, 31))
    rate("DE", "standard", "19", date(2021, 1, 1))
    line = [public.TaxableLine("SKU", "standard", D("116.00"))]
    in_2020 = public.calculate("de", line, D("0.00"), True, on=date(2020, 8, 1))
    in_2026 = public.calculate("DE", line, D("0.00"), True, on=date(2026, 1, 1))
    assert (in_2020.lines[0].rate, in_2020.tax) == (D("16.00"), D("16.00"))
    assert (in_2026.lines[0].rate, in_2026.tax) == (D("19.00"), D("18.52"))


def test_a_country_with_no_rate_in_force_is_outside_the_zone(settings):
    settings.TAXES_HOME_COUNTRY = "DE"
    rate("DE", "standard", "19", date(2021, 1, 1))
    taxed = public.calculate(
        "US", [public.TaxableLine("SKU", "standard", D("119.00"))], D("0.00"), True
    )
    assert not taxed.taxed and taxed.gross == D("100.00")


def test_overlapping_rates_of_one_class_are_refused():
    rate("FR", "standard", "20", date(2024, 1, 1))
    overlapping = TaxRate(
        country="FR",
        tax_class=TaxClass.objects.get(code="standard"),
        rate=D("21"),
        valid_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="end it first"):
        overlapping.full_clean()


def test_a_rate_ending_before_it_starts_is_refused():
    backwards = TaxRate(
        country="FR",
        tax_class=TaxClass.objects.get(code="standard"),
        rate=D("20"),
        valid_from=date(2026, 1, 1),
        valid_until=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        backwards.full_clean()


@pytest.mark.parametrize("country", ["", "D", "DEU", "1A", None])
def test_a_country_that_is_not_two_letters_is_refused(country):
    with pytest.raises(public.InvalidTaxRequest) as refused:
        public.calculate(country, [], D("0.00"))
    assert refused.value.code == "invalid_tax_request" and refused.value.status_code == 400


@pytest.mark.parametrize("amount", ["-1.00", "1.001", "NaN"])
def test_an_amount_that_is_not_money_is_refused(amount):
    with pytest.raises(public.InvalidTaxRequest):
        public.calculate("DE", [public.TaxableLine("SKU", "standard", D(amount))], D("0.00"))


def test_the_demo_rates_are_seeded_once():
    call_command("seed_tax_rates")
    count = TaxRate.objects.count()
    call_command("seed_tax_rates")
    assert TaxRate.objects.count() == count == 21
    assert {r.rate for r in public.rates("de")} == {D("19.00"), D("7.00"), D("0.00")}


def test_staff_see_tax_classes_and_rates_in_the_admin(admin_client):
    rate("NL", "reduced", "9", date(2024, 1, 1))
    assert admin_client.get("/admin/taxes/taxrate/").status_code == 200
    page = admin_client.get("/admin/taxes/taxclass/")
    assert page.status_code == 200 and b"Reduced rate" in page.content
    added = admin_client.post(
        "/admin/taxes/taxrate/add/",
        {
            "country": "NL",
            "tax_class": TaxClass.objects.get(code="reduced").pk,
            "rate": "10",
            "valid_from": "2025-01-01",
        },
    )
    assert added.status_code == 200 and b"end it first" in added.content
