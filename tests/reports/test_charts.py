"""
The dashboard's charts are SVG drawn on the server: well-formed XML with a
bar per day, a readable scale, labels that do not crowd a year of days, the
text escaped, and nothing a Content-Security-Policy refuses.
"""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from shop.reports.charts import MOST_X_LABELS, Point, bar_chart, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == name]


def days(values) -> list[Point]:
    return [Point(f"2026-03-{n + 1:02d}", Decimal(value)) for n, value in enumerate(values)]


def test_a_chart_is_well_formed_svg_with_one_bar_per_point_each_with_its_figure():
    root = parsed(bar_chart(days(["45.00", "66.00", "40.00"]), chart_id="revenue", title="Revenue"))

    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Revenue"
    bars = with_class(root, "rect", "bar")
    assert len(bars) == 3
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2026-03-01: 45",
        "2026-03-02: 66",
        "2026-03-03: 40",
    ]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] > heights[0] > heights[2] > 0


def test_the_scale_starts_at_zero_and_steps_by_round_numbers_above_the_largest_bar():
    root = parsed(bar_chart(days(["45.00", "66.00"]), chart_id="c", title="t"))

    labels = [text.text for text in with_class(root, "text", "y-label")]
    assert labels == ["0", "20", "40", "60", "80"]
    assert [nice_step(v) for v in (66, 7, 1234, 0.3)] == [20, 2, 250, 0.1]
    assert nice_step(3, whole=True) == 1  # counts of orders never step by a fraction


def test_a_year_of_days_has_a_bar_each_but_at_most_ten_labels():
    root = parsed(bar_chart(days(range(365)), chart_id="c", title="t", whole=True))

    assert len(with_class(root, "rect", "bar")) == 365
    assert 6 <= len(with_class(root, "text", "x-label")) <= MOST_X_LABELS


def test_a_line_over_the_bars_has_a_point_per_bar_on_the_same_scale():
    root = parsed(
        bar_chart(days(["50", "100"]), chart_id="c", title="t", line=[Decimal(25), Decimal(100)])
    )

    [line] = with_class(root, "polyline", "line")
    points = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    bars = with_class(root, "rect", "bar")
    assert len(points) == 2
    assert points[1][1] == pytest.approx(float(bars[1].get("y")))


def test_a_period_without_sales_says_so():
    root = parsed(bar_chart(days([0, 0]), chart_id="c", title="t", empty="No orders."))

    assert [text.text for text in with_class(root, "text", "empty")] == ["No orders."]


def test_text_is_escaped_and_nothing_is_styled_or_scripted_inline():
    svg = bar_chart(
        [Point("<b>&", 1, title="<script>alert(1)</script>")],
        chart_id="c",
        title='Sales "<&>"',
    )
    root = parsed(svg)

    assert root.find(f"{SVG}title").text == 'Sales "<&>"'
    assert "<script" not in svg and "style" not in svg
    assert not list(root.iter(f"{SVG}script"))
