"""
Refunds of items (issue 17): staff give back some units of an order's lines
and the customer gets exactly what was paid for them, after the voucher and
at their own tax rate, never more, wherever the money went.
"""

from decimal import Decimal

import pytest

from shop.orders import invoicing, refund_taxes
from shop.orders.errors import InvalidRefund
from shop.orders.models import Order, OrderLine, RefundRequest
from shop.orders.services import line_refunds

from .factories import make_order
from .test_refund_taxes import BOTH, TAXED

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def order(ada, gateway):
    """A tee (19 %) twice, 39.80 less a 4.00 voucher, and a book (7 %), 10.70; delivery 4.90."""
    placed = make_order(user_id=ada.pk, **TAXED)
    placed.lines.filter(sku="TEE-M").update(
        tax_rate=D("19"), gross=D("35.80"), tax=D("5.72"), net=D("30.08"), discount=D("4.00")
    )
    placed.lines.filter(sku="BOOK").update(
        tax_class="reduced", tax_rate=D("7"), gross=D("10.70"), tax=D("0.70"), net=D("10.00")
    )
    return placed


def line(order, sku) -> OrderLine:
    return order.lines.get(sku=sku)


def refund(order, quantities, key, deliver):
    request = line_refunds.refund_lines(order.number, quantities, actor="staff:1", key=key)
    deliver(apps=BOTH)
    return request


def test_refunding_one_of_two_discounted_tees_gives_back_half_of_what_the_line_cost(order, deliver):
    request = refund(order, {line(order, "TEE-M").pk: 1}, "one-tee", deliver)

    assert request.amount == D("17.90")
    assert request.tax == D("2.86")
    assert Order.objects.get(pk=order.pk).refunded_amount == D("17.90")
    assert line(order, "TEE-M").refunded_quantity == 1


def test_the_second_tee_gives_back_the_rest_of_the_line_to_the_cent(order, deliver, ada):
    odd = make_order(user_id=ada.pk, **{**TAXED, "lines": (("TEE-M", 3, "10.00"),)})
    odd.lines.update(tax_rate=D("19"), gross=D("25.00"), tax=D("3.99"), net=D("21.01"))
    tee = line(odd, "TEE-M").pk

    amounts = [refund(odd, {tee: 1}, f"unit-{n}", deliver).amount for n in range(3)]

    assert amounts == [D("8.33"), D("8.34"), D("8.33")]
    assert sum(amounts) == D("25.00")


def test_a_refund_of_a_book_is_taxed_at_the_books_rate_alone(order, deliver):
    refund(order, {line(order, "BOOK").pk: 1}, "book", deliver)

    [given] = refund_taxes.refunds_of(Order.objects.get(pk=order.pk))

    assert [(r.rate, r.gross, r.tax) for r in given.rates] == [(D("7"), D("10.70"), D("0.70"))]


def test_the_credit_note_credits_the_returned_items_at_their_rates(order, deliver):
    request = refund(
        order, {line(order, "TEE-M").pk: 1, line(order, "BOOK").pk: 1}, "both", deliver
    )

    note = invoicing.credit_note_request(
        order, refund_id=request.refund_id, amount=request.amount, request=request
    )

    assert [(c.rate, c.gross, c.tax) for c in note.charges] == [
        (D("19"), D("17.90"), D("2.86")),
        (D("7"), D("10.70"), D("0.70")),
    ]
    assert [c.name for c in note.charges] == [
        "Returned: 1 \N{MULTIPLICATION SIGN} Product TEE-M \N{EM DASH} M / Blue",
        "Returned: 1 \N{MULTIPLICATION SIGN} Product BOOK",
    ]
    assert note.gross == D("28.60")


def test_more_units_than_are_left_are_refused_and_nothing_is_refunded(order, deliver, gateway):
    tee = line(order, "TEE-M").pk
    refund(order, {tee: 2}, "both-tees", deliver)

    with pytest.raises(InvalidRefund) as refused:
        line_refunds.refund_lines(order.number, {tee: 1}, actor="staff:1", key="a-third")

    assert refused.value.code == "invalid_refund"
    assert len(gateway.refunds()) == 1
    assert line(order, "TEE-M").refunded_quantity == 2


@pytest.mark.parametrize("quantities", [{}, {"x": 1}, {999999: 1}, {1: -1}, None])
def test_nonsense_quantities_are_refused_with_a_code(order, quantities):
    with pytest.raises(InvalidRefund):
        line_refunds.refund_lines(order.number, quantities, actor="staff:1", key="nonsense")
    assert not RefundRequest.objects.exists()


def test_the_same_key_again_refunds_once_and_counts_the_units_once(order, deliver, gateway):
    tee = line(order, "TEE-M").pk
    first = refund(order, {tee: 1}, "again", deliver)
    second = refund(order, {tee: 1}, "again", deliver)

    assert second.pk == first.pk
    assert len(gateway.refunds()) == 1
    assert line(order, "TEE-M").refunded_quantity == 1


def test_a_refund_the_provider_refuses_gives_the_units_back(order, deliver, monkeypatch):
    from shop.payments import public as payments

    def refuse(**kwargs):
        raise payments.RefundNotAllowed("No.")

    monkeypatch.setattr(payments, "refund_payment", refuse)
    tee = line(order, "TEE-M").pk

    with pytest.raises(payments.RefundNotAllowed):
        line_refunds.refund_lines(order.number, {tee: 1}, actor="staff:1", key="refused")

    assert line(order, "TEE-M").refunded_quantity == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_returned_item_of_an_order_paid_in_part_by_card_goes_to_the_card_first(deliver):
    from shop.promotions import public as promotions
    from tests.catalog.factories import make_product
    from tests.orders.test_checkout import api_for, make_buyer

    from .test_checkout_gift_card import paid_order

    tee = make_product("Tee", price="20.00", stock=5).variants.get().sku
    order, card = paid_order(api_for(make_buyer()), tee, "10.00")  # 1 tee + 4.90: 10.00 on card

    line_refunds.refund_lines(
        order.number, {order.lines.get().pk: 1}, actor="staff:1", key="returned"
    )

    on_card, by_payment = order.refund_requests.order_by("id")
    assert (on_card.amount, by_payment.amount) == (D("10.00"), D("10.00"))
    assert on_card.tax + by_payment.tax == order.lines.get().tax
    assert promotions.check_gift_card(card.code).balance == D("10.00")


def test_the_customer_sees_the_refunded_units_on_the_order_page_and_in_the_api(
    order, deliver, ada_client, ada
):
    from tests.orders.test_checkout import api_for

    refund(order, {line(order, "TEE-M").pk: 1}, "one-tee", deliver)

    page = ada_client.get(f"/orders/{order.number}/").content.decode()
    body = api_for(ada).get(f"/api/v1/orders/{order.number}/").json()

    assert "1 refunded" in page
    assert {row["sku"]: row["refunded_quantity"] for row in body["lines"]} == {
        "TEE-M": 1,
        "BOOK": 0,
    }
    [given] = body["refunds"]
    assert given["gross"] == "17.90" and given["tax"] == "2.86"


def test_a_bought_gift_card_line_is_not_refunded_as_an_item(order, gateway):
    book = line(order, "BOOK")
    OrderLine.objects.filter(pk=book.pk).update(gift_card=True)

    with pytest.raises(InvalidRefund, match="gift card"):
        line_refunds.refund_lines(order.number, {book.pk: 1}, actor="staff:1", key="card")

    assert gateway.refunds() == [] and line(order, "BOOK").refunded_quantity == 0
