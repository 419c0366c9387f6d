"""What staff do with vouchers: the admin, batches of codes, the CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from shop.promotions import public as promotions
from shop.promotions.models import Voucher

from .factories import TTL, basket, line, voucher

pytestmark = pytest.mark.django_db


def test_generate_vouchers_makes_unique_single_use_codes_as_csv():
    out = io.StringIO()

    call_command(
        "generate_vouchers",
        "25",
        "--kind",
        "fixed",
        "--value",
        "5",
        "--prefix",
        "xmas-",
        "--batch",
        "xmas",
        stdout=out,
    )

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    codes = {row["code"] for row in rows}
    assert len(rows) == len(codes) == 25
    assert all(code.startswith("XMAS-") and len(code) == 15 for code in codes)
    assert Voucher.objects.filter(batch="xmas", max_uses=1, max_uses_per_customer=1).count() == 25
    code = rows[0]["code"]
    promotions.reserve_voucher("c1", code.lower(), "user:1", basket(), TTL)
    with pytest.raises(promotions.VoucherUsedUp):
        promotions.reserve_voucher("c2", code, "user:2", basket(), TTL)


@pytest.mark.parametrize(
    "args",
    [["0"], ["5", "--value", "x"], ["5", "--value", "120"], ["5", "--valid-until", "soon"]],
)
def test_generate_vouchers_refuses_bad_options_and_makes_nothing(args):
    with pytest.raises(CommandError):
        call_command("generate_vouchers", *args, stdout=io.StringIO())
    assert not Voucher.objects.exists()


def test_staff_add_a_voucher_and_see_its_uses_read_only(admin_client):
    added = admin_client.post(
        "/admin/promotions/voucher/add/",
        {
            "code": "spring",
            "kind": "percent",
            "value": "15",
            "product_ids": "[]",
            "category_ids": "[3]",
            "minimum_subtotal": "0",
            "active": "on",
            "uses-TOTAL_FORMS": "0",
            "uses-INITIAL_FORMS": "0",
        },
    )
    assert added.status_code == 302, added.content[:2000]
    spring = Voucher.objects.get(code="SPRING")
    assert spring.category_ids == [3]
    promotions.reserve_voucher(
        "checkout-9", "spring", "user:5", basket(line(category_ids=(3,))), TTL
    )

    page = admin_client.get(f"/admin/promotions/voucher/{spring.pk}/change/")
    assert page.status_code == 200 and b"checkout-9" in page.content
    assert admin_client.get("/admin/promotions/voucher/").status_code == 200
    assert admin_client.get("/admin/promotions/voucheruse/").status_code == 200


def test_staff_cannot_save_a_percentage_above_a_hundred(admin_client):
    page = admin_client.post(
        "/admin/promotions/voucher/add/",
        {
            "code": "TOOMUCH",
            "kind": "percent",
            "value": "120",
            "product_ids": "[]",
            "category_ids": "[]",
            "minimum_subtotal": "0",
            "uses-TOTAL_FORMS": "0",
            "uses-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200 and b"cannot be above 100" in page.content
    assert not Voucher.objects.exists()


def test_the_csv_export_keeps_a_formula_like_code_as_text(admin_client):
    voucher(code="=HYPERLINK", value="5")

    response = admin_client.post(
        "/admin/promotions/voucher/",
        {"action": "export_csv", "_selected_action": [Voucher.objects.get().pk]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK"
    assert rows[1][2] == str(Decimal("5.00"))
