"""
The cart API's answer is written out (``cart/api/answers.py``, decision
0041) rather than walked field by field by DRF. Every answer of a cart's life
below is rendered both ways, and the two are the same to the byte: keys and
their order, types, the text of decimals and datetimes. ``CartSerializer``'s
fields stay the schema.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.cart.api.serializers import CartSerializer
from shop.catalog.models import Variant
from tests.api.answers import assert_same_answer, recorded_answers
from tests.catalog.factories import make_product
from tests.catalog.sales import deliver_sales
from tests.promotions.factories import sale, voucher
from tests.shipping.factories import germany_eu_and_nothing_else

from .test_api import CART, Caller, sku_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("german_vat")]

VOUCHER = "/api/v1/cart/voucher/"


@pytest.fixture(autouse=True)
def zones():
    germany_eu_and_nothing_else()


@pytest.fixture
def answers(monkeypatch):
    return recorded_answers(monkeypatch, CartSerializer)


def test_cart_answers_are_the_same_as_the_declared_serializer_gives(answers):
    shirt = make_product(
        "Shirt", variants=[{"sku": "SHIRT-M", "options": {"size": "M"}, "price": "30.00"}]
    )
    coat = make_product("Coat", price="80.00", stock=5)
    sale(value="25", product_ids=[coat.pk], ends_at=timezone.now() + timedelta(days=3))
    deliver_sales()
    atlas = make_product("Atlas", price="12.00", stock=5, variants=[{"tax_class": "reduced"}])
    voucher(code="BIG", minimum_subtotal=Decimal("100.00"))
    caller = Caller()

    caller.get()
    caller.add(sku_of(shirt))
    coat_line = caller.add(sku_of(coat), 2).json()["items"][-1]["id"]
    caller.add(sku_of(atlas))
    send = {"format": "json", **caller._headers()}
    assert caller.client.post(VOUCHER, {"code": "big"}, **send).status_code == 200
    Variant.objects.filter(sku=sku_of(shirt)).update(price="32.50")
    Variant.objects.filter(sku=sku_of(coat)).update(stock_on_hand=1)
    Variant.objects.filter(sku=sku_of(atlas)).update(stock_on_hand=0)
    with timezone.override("Asia/Kolkata"):
        caller.get()
    caller.change(coat_line, 0)
    caller.client.get(CART, {"country": "FR"}, **caller._headers())
    caller.client.get(CART, {"country": "BR"}, **caller._headers())

    written = [answer for answer, _declared in answers]
    items = [item for answer in written for item in answer["items"]]
    estimates = [answer["estimate"] for answer in written]
    vouchers = [answer["voucher"] for answer in written if answer["voucher"]]
    assert estimates[0] is None
    assert any(estimate and estimate["free_delivery"] for estimate in estimates)
    assert any(estimate and not estimate["delivers"] for estimate in estimates)
    assert {len(estimate["taxes"]) for estimate in estimates if estimate} >= {2}
    assert any(item["sale"] and item["sale"]["ends_at"].endswith("+05:30") for item in items)
    assert any(item["previous_unit_price"] for item in items)
    assert {item["problem"] for item in items} == {None, "short", "unavailable"}
    assert {item["options"]["size"] for item in items if item["options"]} == {"M"}
    assert any(voucher["applied"] and voucher["lines"] for voucher in vouchers)
    assert any(voucher["refusal"] and "minimum" in voucher["refusal"] for voucher in vouchers)
    for answer, declared in answers:
        assert_same_answer(answer, declared)
