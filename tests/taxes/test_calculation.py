"""
The tax of a basket: per-line rounding, gross and net prices, shipping's rate,
the zone, and totals that always add up to the cent (hypothesis: many lines,
awkward rates).
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shop.taxes.calculation import tax_basket
from shop.taxes.data import TaxableLine

D = Decimal
DE = {"standard": D("19"), "reduced": D("7"), "zero": D("0")}
FR = {"standard": D("20"), "reduced": D("5.5"), "zero": D("0")}


def basket(lines, shipping="0.00", *, rates=DE, home=DE, gross=True, country="DE"):
    taxable = [TaxableLine(f"SKU-{i}", cls, D(amount)) for i, (cls, amount) in enumerate(lines)]
    return tax_basket(
        country, taxable, D(shipping), rates=rates, home_rates=home, prices_include_tax=gross
    )


def test_a_german_customer_pays_the_gross_price_with_19_percent_vat_inside():
    taxed = basket([("standard", "119.00")])
    line = taxed.lines[0]
    assert (line.rate, line.net, line.tax) == (D("19"), D("100.00"), D("19.00"))
    assert taxed.taxed and taxed.gross == D("119.00") and taxed.tax == D("19.00")


def test_a_customer_outside_the_zone_pays_the_net_of_the_gross_price():
    taxed = basket([("standard", "119.00"), ("reduced", "10.70")], "5.95", rates={}, country="US")
    assert [(line.net, line.tax, line.gross) for line in taxed.lines] == [
        (D("100.00"), D("0.00"), D("100.00")),
        (D("10.00"), D("0.00"), D("10.00")),
    ]
    # Shipping follows the goods (standard here), so its net is at 19 % too.
    assert taxed.shipping.gross == D("5.00") and taxed.shipping.rate == 0
    assert not taxed.taxed and taxed.gross == D("115.00") and taxed.tax == 0
    assert [(t.rate, t.gross) for t in taxed.totals] == [(D("0.00"), D("115.00"))]


def test_net_prices_get_the_destinations_tax_added():
    taxed = basket([("standard", "100.00"), ("reduced", "10.00")], "4.90", rates=FR, gross=False)
    assert [(line.net, line.tax, line.gross) for line in taxed.lines] == [
        (D("100.00"), D("20.00"), D("120.00")),
        (D("10.00"), D("0.55"), D("10.55")),
    ]
    assert (taxed.shipping.rate, taxed.shipping.tax) == (D("20"), D("0.98"))
    assert taxed.gross == D("136.43")


def test_inside_the_zone_a_gross_price_stays_the_same_and_the_destination_rate_is_inside():
    taxed = basket([("standard", "119.00")], rates=FR, country="FR")
    assert (taxed.lines[0].net, taxed.lines[0].tax, taxed.lines[0].gross) == (
        D("99.17"), D("19.83"), D("119.00"),
    )  # fmt: skip


def test_shipping_is_taxed_at_the_rate_of_the_larger_share_of_the_goods():
    mostly_food = basket([("reduced", "30.00"), ("standard", "10.00")], "4.90")
    assert mostly_food.shipping.rate == D("7") and mostly_food.shipping.tax == D("0.32")
    mostly_tees = basket([("reduced", "10.00"), ("standard", "30.00")], "4.90")
    assert mostly_tees.shipping.rate == D("19") and mostly_tees.shipping.tax == D("0.78")
    tie = basket([("reduced", "10.00"), ("standard", "10.00")], "4.90")
    assert tie.shipping.rate == D("19")


def test_totals_per_rate_group_the_lines_and_the_shipping():
    taxed = basket([("standard", "11.90"), ("reduced", "1.07"), ("standard", "2.38")], "4.90")
    assert [(t.rate, t.net, t.tax, t.gross) for t in taxed.totals] == [
        (D("19"), D("16.12"), D("3.06"), D("19.18")),
        (D("7"), D("1.00"), D("0.07"), D("1.07")),
    ]


def test_a_class_the_country_has_no_rate_for_is_taxed_as_standard():
    taxed = basket([("books", "11.90")])
    assert taxed.lines[0].rate == D("19")


rates = st.decimals(min_value=0, max_value=30, places=2)
amounts = st.decimals(min_value=0, max_value=100000, places=2)
classes = st.sampled_from(["standard", "reduced", "zero", "other"])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(classes, amounts), min_size=0, max_size=60),
    shipping=amounts,
    standard=rates,
    reduced=rates,
    gross=st.booleans(),
    in_zone=st.booleans(),
)
def test_every_total_adds_up_to_the_cent(lines, shipping, standard, reduced, gross, in_zone):
    zone = {"standard": standard, "reduced": reduced, "zero": D(0)}
    taxed = basket(
        [(cls, str(amount)) for cls, amount in lines],
        str(shipping),
        rates=zone if in_zone else {},
        home={"standard": D("19.5"), "reduced": D("7.7")},
        gross=gross,
    )
    everything = (*taxed.lines, taxed.shipping)
    for line in everything:
        assert line.net + line.tax == line.gross
        assert line.net >= 0 and line.tax >= 0
        assert line.gross.as_tuple().exponent == -2 and line.tax.as_tuple().exponent == -2
    assert taxed.net + taxed.tax == taxed.gross
    assert sum(t.net for t in taxed.totals) == taxed.net
    assert sum(t.tax for t in taxed.totals) == taxed.tax
    assert sum(t.gross for t in taxed.totals) == taxed.gross
    for total in taxed.totals:
        assert total.net + total.tax == total.gross
    if gross and in_zone:
        # Gross prices are what the customer pays inside the zone, to the cent.
        assert taxed.gross == sum((D(str(a)) for _c, a in lines), D(0)) + shipping
    if not in_zone:
        assert taxed.tax == 0
