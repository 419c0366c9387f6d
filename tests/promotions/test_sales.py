"""Sales in promotions: staff's checks, and every save or delete announced for catalog."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shop.promotions.models import OutboxMessage, Sale
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db
D = Decimal


def checked(**fields):
    fields = {"name": "Winter sale", "kind": "percent", "value": D("20"), **fields}
    fields.setdefault("starts_at", timezone.now())
    fields.setdefault("category_ids", [3])
    Sale(**fields).full_clean()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value": D("0")}, "value"),
        ({"value": D("100.01")}, "value"),
        ({"kind": "fixed", "value": D("-1")}, "value"),
        ({"category_ids": []}, "category_ids"),
        ({"category_ids": ["3"]}, "category_ids"),
        ({"product_ids": [True]}, "product_ids"),
        ({"ends_at": timezone.now() - timedelta(days=1)}, "ends_at"),
    ],
)
def test_staff_cannot_save_a_sale_that_makes_no_sense(fields, field):
    with pytest.raises(ValidationError) as refused:
        checked(**fields)
    assert field in refused.value.message_dict


def test_a_full_percentage_an_amount_and_products_only_are_fine():
    checked(value=D("100"))
    checked(kind="fixed", value=D("5.00"), category_ids=[], product_ids=[9])


def test_every_save_and_the_delete_are_announced_with_a_growing_revision():
    winter = sale(category_ids=[3], ends_at=timezone.now() + timedelta(days=1))
    winter.value = D("30")
    winter.save(update_fields=["value"])
    winter.delete()

    messages = list(OutboxMessage.objects.order_by("created_at"))
    assert [m.event_name for m in messages] == [
        "promotions.SaleChanged",
        "promotions.SaleChanged",
        "promotions.SaleRemoved",
    ]
    assert [m.payload["revision"] for m in messages] == [1, 2, 3]
    assert D(messages[1].payload["value"]) == D("30")
    assert messages[1].payload["category_ids"] == [3]


def test_the_demo_sale_runs_now_on_the_first_department_once():
    from django.core.management import call_command

    call_command("seed_demo_sale", verbosity=0)
    call_command("seed_demo_sale", verbosity=0)

    demo = Sale.objects.get()
    assert (demo.name, demo.category_ids) == ("Winter sale", [1])
    assert demo.starts_at <= timezone.now() < demo.ends_at
