"""The arithmetic: what a voucher takes off each line and off shipping."""

from decimal import Decimal

import pytest

from shop.promotions.data import Basket
from shop.promotions.errors import VoucherMinimumNotReached, VoucherNotApplicable
from shop.promotions.pricing import Terms, allocate, price

from .factories import line

D = Decimal


def terms(kind="percent", value="10", products=(), categories=(), minimum="0") -> Terms:
    return Terms(
        code="CODE",
        kind=kind,
        value=D(value),
        product_ids=frozenset(products),
        category_ids=frozenset(categories),
        minimum_subtotal=D(minimum),
    )


def amounts(discount) -> list[Decimal]:
    return [entry.amount for entry in discount.lines]


def test_a_percentage_is_shared_by_the_lines_to_the_cent():
    basket = Basket(
        lines=(line("A", "3.33"), line("B", "3.33"), line("C", "3.34")), shipping=D("5")
    )

    discount = price(terms(value="10"), basket)

    assert discount.total == D("1.00")
    assert amounts(discount) == [D("0.33"), D("0.33"), D("0.34")]
    assert discount.shipping == D("0.00")
    assert discount.applies_to == ("A", "B", "C")


def test_largest_remainder_gives_the_leftover_cents_so_the_lines_add_up():
    shares = allocate(D("1.00"), [D("1"), D("1"), D("1")])

    assert shares == [D("0.34"), D("0.33"), D("0.33")]
    assert sum(shares) == D("1.00")


def test_a_fixed_amount_never_takes_more_than_the_lines_cost():
    basket = Basket(lines=(line("A", "4.00"), line("B", "2.00", quantity=2)), shipping=D("5"))

    discount = price(terms(kind="fixed", value="50"), basket)

    assert amounts(discount) == [D("4.00"), D("4.00")]
    assert discount.total == D("8.00")


def test_a_fixed_amount_is_shared_in_proportion_to_the_lines():
    basket = Basket(lines=(line("A", "30.00"), line("B", "10.00")), shipping=D("0"))

    assert amounts(price(terms(kind="fixed", value="10"), basket)) == [D("7.50"), D("2.50")]


def test_a_voucher_limited_to_a_category_takes_off_only_its_lines():
    basket = Basket(
        lines=(
            line("SHOE", "50.00", product_id=1, category_ids=(7, 8)),
            line("SOCK", "10.00", product_id=2, category_ids=(9,)),
        ),
        shipping=D("0"),
    )

    discount = price(terms(value="20", categories={8}), basket)

    assert amounts(discount) == [D("10.00"), D("0.00")]
    assert discount.applies_to == ("SHOE",)


def test_a_voucher_limited_to_a_product_takes_off_only_that_product():
    basket = Basket(lines=(line("A", "10", product_id=1), line("B", "10", product_id=2)))

    assert price(terms(value="50", products={2}), basket).applies_to == ("B",)


def test_a_voucher_for_products_not_in_the_basket_is_refused():
    with pytest.raises(VoucherNotApplicable) as refused:
        price(terms(products={99}), Basket(lines=(line(),)))
    assert refused.value.code == "voucher_not_applicable"


def test_a_basket_below_the_minimum_is_refused_naming_the_minimum():
    with pytest.raises(VoucherMinimumNotReached) as refused:
        price(terms(minimum="50.00"), Basket(lines=(line("A", "49.99"),)))
    assert refused.value.code == "voucher_minimum_not_reached"
    assert refused.value.extra["minimum"] == "50.00"


def test_free_shipping_takes_off_the_shipping_and_nothing_else():
    basket = Basket(lines=(line("A", "20.00"),), shipping=D("4.90"))

    discount = price(terms(kind="free_shipping", value="0"), basket)

    assert amounts(discount) == [D("0.00")]
    assert discount.shipping == discount.total == D("4.90")


def test_a_hundred_percent_makes_the_lines_free_and_never_more():
    basket = Basket(lines=(line("A", "0.99", quantity=3),))

    assert price(terms(value="150"), basket).total == D("2.97")


def gift_card_line(sku="CARD-50", price="50.00"):
    from dataclasses import replace

    return replace(line(sku, price), discountable=False)


def test_a_voucher_takes_nothing_off_a_gift_card_nor_counts_it_towards_its_minimum():
    basket = Basket(lines=(line("TEE", "20.00"), gift_card_line()), shipping=D("4.90"))

    discount = price(terms(value="10", minimum="20"), basket)

    assert amounts(discount) == [D("2.00"), D("0.00")]
    assert discount.applies_to == ("TEE",)
    with pytest.raises(VoucherMinimumNotReached):
        price(terms(value="10", minimum="21"), basket)


def test_a_voucher_on_a_basket_of_gift_cards_alone_is_refused():
    with pytest.raises(VoucherNotApplicable):
        price(terms(kind="fixed", value="5"), Basket(lines=(gift_card_line(),), shipping=D(0)))
