"""The cached shipping and tax set-up is never served stale after staff change it."""

from datetime import date
from decimal import Decimal

import pytest

from shop.shipping import public as shipping
from shop.shipping.models import ShippingRate
from shop.taxes import public as taxes
from shop.taxes.models import TaxClass, TaxRate

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_changed_shipping_rate_is_quoted_at_once():
    before = shipping.quote("FR", Decimal("20.00"), 0)[0].price
    rate = ShippingRate.objects.get(method__code="standard")
    rate.price = Decimal("6.50")
    rate.save()

    assert (before, shipping.quote("FR", Decimal("20.00"), 0)[0].price) == (
        Decimal("4.90"),
        Decimal("6.50"),
    )


def test_a_new_tax_rate_is_charged_at_once():
    line = [taxes.TaxableLine(key="A", tax_class="standard", amount=Decimal("10.00"))]
    assert not taxes.calculate("FR", line, Decimal("0.00")).taxed
    standard, _ = TaxClass.objects.get_or_create(code="standard", defaults={"name": "Standard"})
    TaxRate.objects.create(
        country="FR", tax_class=standard, rate=Decimal("20"), valid_from=date(2020, 1, 1)
    )

    assert taxes.calculate("FR", line, Decimal("0.00")).tax > 0
