"""
The checkout API's answer is written out (``checkout/api/answers.py``,
decision 0041) rather than walked field by field by DRF. Every answer below,
through the API or of a checkout built here, is rendered both ways, and the
two are the same to the byte: keys and their order, types, the text of
decimals and datetimes. ``CheckoutSerializer``'s fields stay the schema.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shop.catalog import public as catalog
from shop.orders.checkout import selectors
from shop.orders.checkout.api.serializers import CheckoutSerializer
from shop.orders.models import Checkout, CheckoutLine
from tests.api.answers import assert_same_answer, declared_answer, recorded_answers
from tests.catalog.factories import make_category, make_product
from tests.conftest import wait_for
from tests.promotions.factories import gift_card, sale, voucher

from .factories import make_checkout, make_order
from .guest_helpers import GuestApi
from .test_checkout import api_for, fill_cart, make_buyer, pay, start, status_of

D = Decimal


@pytest.fixture
def answers(monkeypatch):
    return recorded_answers(monkeypatch, CheckoutSerializer)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_checkout_answers_of_a_guests_purchase_are_the_same_as_the_declared_serializer_gives(
    answers, german_vat
):
    coats = make_category("Coats")
    coat = make_product(
        "Raincoat",
        price="40.00",
        stock=5,
        category=coats,
        variants=[{"options": {"size": "M", "colour": "Blue"}}],
    )
    coat = coat.variants.get().sku
    atlas = make_product("Atlas", price="12.00", stock=5, variants=[{"tax_class": "reduced"}])
    atlas = atlas.variants.get().sku
    sale(value="25", category_ids=[coats.pk])
    assert wait_for(lambda: catalog.get_variant(coat).price == D("30.00"))
    voucher(code="SAVE10")
    card = gift_card("10.00")
    guest = GuestApi()
    guest.add(coat, 2)
    guest.add(atlas)
    entered = guest.client.post(
        "/api/v1/cart/voucher/", {"code": "save10"}, format="json", **guest.headers()
    )
    assert entered.status_code == 200, entered.content

    started = guest.start(gift_card_code=card.code)
    assert started.status_code == 201, started.content
    checkout = started.json()
    guest.status_of(checkout["id"])
    pay(guest.client, checkout)
    assert wait_for(lambda: guest.status_of(checkout["id"]).json()["status"] == "completed")
    assert guest.start(gift_card_code=card.code).status_code == 200

    first, *_, last = [written for written, _declared in answers]
    assert first["status"] == "awaiting_payment" and first["payment"]["redirect_url"]
    assert first["voucher"] and first["gift_card"]
    assert [line["sale"] for line in first["lines"]] == [{"name": "Winter sale"}, None]
    assert [row["rate"] for row in first["tax"]["totals"]] == ["19.00", "7.00"]
    assert first["shipping_address"]["city"] == "Berlin"
    assert last["status"] == "completed" and last["order_number"]
    assert len(answers) >= 4
    for written, declared in answers:
        assert_same_answer(written, declared)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_declined_checkouts_answers_are_the_same_as_the_declared_serializer_gives(answers):
    api = api_for(make_buyer())
    fill_cart(api, make_product("Tee", price="20.00", stock=5).variants.get().sku, 2)
    checkout = start(api).json()

    pay(api, checkout, "failed")

    failed = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "failed" and s)
    assert failed["failure_reason"]
    for written, declared in answers:
        assert_same_answer(written, declared)


def request():
    return Request(APIRequestFactory().get("/api/v1/checkout/"))


def read(checkout: Checkout) -> Checkout:
    """The checkout as the API reads it for its owner (with its lines and order)."""
    if checkout.cart_key:
        return selectors.guest_checkout_for(checkout.cart_key, checkout.pk)
    return selectors.checkout_for(checkout.user_id, checkout.pk)


def both_ways(checkout) -> tuple[dict, dict]:
    serializer = CheckoutSerializer(checkout, context={"request": request()})
    return serializer.data, declared_answer(serializer)


def taxed(checkout: Checkout, **fields) -> Checkout:
    """``checkout`` with tax at two rates, a sale on its first line, and ``fields``."""
    first, second = checkout.lines.all()
    CheckoutLine.objects.filter(pk=first.pk).update(
        tax_rate=D("19"), net=D("33.61"), tax=D("6.39"), gross=D("40"), discount=D("4.44"),
        regular_price=D("25.00"), sale_name="Winter sale",
    )  # fmt: skip
    CheckoutLine.objects.filter(pk=second.pk).update(
        tax_class="reduced", tax_rate=D("7.00"), net=D("11.21"), tax=D("0.79"), gross=D("12.00")
    )
    values = {
        "tax_country": "DE",
        "net_total": D("48.94"),
        "tax_total": D("7.96"),
        "shipping_tax_rate": D("19"),
        "shipping_net": D("4.12"),
        "shipping_tax": D("0.78"),
        "tax_totals": [
            {"rate": "19", "net": "37.73", "tax": "7.17", "gross": "44.90"},
            {"rate": "7.00", "net": "11.21", "tax": "0.79", "gross": "12.00"},
        ],
        **fields,
    }
    Checkout.objects.filter(pk=checkout.pk).update(**values)
    for name, value in values.items():
        setattr(checkout, name, value)
    return checkout


TWO_LINES = (("COAT-M", 2, "20.00"), ("ATLAS", 1, "12.00"))
A_GUESTS_AWAITING_PAYMENT = {
    "cart_key": "cart-1",
    "status": "awaiting_payment",
    "payment_id": "pay-1",
    "payment_provider": "test",
    "payment_redirect_url": "/payments/test/pay-1/key/",
}
CHECKOUTS = {
    "a guest's, awaiting payment": A_GUESTS_AWAITING_PAYMENT,
    "expired, its payment page closed": {
        "status": "expired",
        "payment_id": "cs_test_1",
        "payment_provider": "stripe",
        "payment_redirect_url": "https://checkout.stripe.com/c/pay/cs_test_1",
    },
    "failed with a reason": {
        "status": "failed",
        "failure_reason": "Your card was declined.",
        "payment_id": "pay-2",
        "payment_provider": "test",
    },
    "paid wholly by a gift card, its order not placed yet": {
        "gift_card_code": "••••WXYZ",
        "gift_card_amount": D("56.90"),
    },
}


def built(user_id: int | None, fields: dict) -> Checkout:
    guest = "cart_key" in fields
    return read(taxed(make_checkout(user_id=None if guest else user_id, lines=TWO_LINES), **fields))


@pytest.mark.django_db
@pytest.mark.parametrize("fields", CHECKOUTS.values(), ids=CHECKOUTS)
def test_checkout_answer_is_the_same_as_the_declared_serializer_gives(ada, fields):
    written, declared = both_ways(built(ada.pk, fields))

    assert_same_answer(written, declared)


@pytest.mark.django_db
def test_a_completed_checkouts_answer_with_its_order_is_the_same_as_the_declared_one_gives(ada):
    order = make_order(user_id=ada.pk, lines=TWO_LINES)
    taxed(
        order.checkout,
        voucher_code="SAVE10",
        discount_total=D("4.44"),
        shipping_discount=D("0.00"),
        gift_card_code="••••ABCD",
        gift_card_amount=D("10.00"),
    )

    written, declared = both_ways(read(order.checkout))

    assert written["order_number"] == order.number
    assert_same_answer(written, declared)


@pytest.mark.django_db
def test_a_checkout_answered_as_it_was_made_is_the_same_as_the_declared_serializer_gives():
    """Before it is read back its amounts may be unrounded and its status a choice."""
    checkout = built(None, A_GUESTS_AWAITING_PAYMENT)
    checkout.status = Checkout.Status.AWAITING_PAYMENT
    checkout.subtotal, checkout.total = D("52"), D("56.9")
    checkout.tax_totals = [{"rate": D("19"), "net": D("37.73"), "tax": D("7.17"), "gross": "44.9"}]
    first = checkout.lines.all()[0]
    first.tax_rate, first.regular_price, first.quantity = D("19.0"), D("25"), 2

    written, declared = both_ways(checkout)

    assert_same_answer(written, declared)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_checkout_answer_gives_its_expiry_in_the_current_time_zone_as_declared(zone):
    checkout = built(None, A_GUESTS_AWAITING_PAYMENT)
    # A second after Berlin moved to summer time.
    checkout.expires_at = datetime(2026, 3, 29, 1, 0, 1, 123456, tzinfo=UTC)

    with timezone.override(zone):
        written, declared = both_ways(checkout)

    assert_same_answer(written, declared)


@pytest.mark.django_db
def test_answering_a_checkout_builds_no_field_tree():
    serializer = CheckoutSerializer(
        built(None, A_GUESTS_AWAITING_PAYMENT), context={"request": request()}
    )

    assert serializer.data["payment"]["redirect_url"].startswith("http://testserver/")
    assert "fields" not in vars(serializer)
