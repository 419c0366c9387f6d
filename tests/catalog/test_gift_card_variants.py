"""
Staff mark a variant as a gift card wherever they manage products (decision
0030): the CSV both ways, the admin, and the staff variant API shows it;
other apps read it as ``VariantInfo.gift_card``.
"""

import pytest
from django.core.management import CommandError

from shop.catalog import public
from shop.catalog.models import Variant
from tests.api.contract import assert_documented

from .factories import make_product
from .test_tax_classes import classes, export, run_import  # noqa: F401

pytestmark = pytest.mark.django_db
HEADER = "sku,product_slug,product_name,price,stock_on_hand,gift_card"


def test_the_export_says_which_variants_are_gift_cards_and_the_import_sets_them(tmp_path):
    make_product(slug="card", variants=[{"sku": "CARD-50", "price": 50, "gift_card": True}])
    make_product(slug="mug", variants=[{"sku": "MUG"}])

    rows = {row["sku"]: row["gift_card"] for row in export()}
    run_import(tmp_path, HEADER, "CARD-25,card,Gift card,25.00,100,yes", "MUG,mug,Mug,9.00,5,")

    assert rows == {"CARD-50": "yes", "MUG": "no"}
    assert dict(Variant.objects.values_list("sku", "gift_card")) == {
        "CARD-50": True,
        "CARD-25": True,
        "MUG": False,
    }
    assert public.get_variant("CARD-25").gift_card and not public.get_variant("MUG").gift_card


def test_a_gift_card_cell_that_is_not_yes_or_no_is_a_row_error(tmp_path):
    with pytest.raises(CommandError, match="line 2, gift_card: Write yes or no"):
        run_import(tmp_path, HEADER, "CARD,card,Gift card,25.00,100,maybe")

    assert not Variant.objects.exists()


def test_staff_see_whether_a_variant_is_a_gift_card(staff_api):
    make_product(variants=[{"sku": "CARD-50", "gift_card": True}])

    response = staff_api.get("/api/v1/catalog/variants/CARD-50/")

    assert response.json()["gift_card"] is True
    assert_documented(response, "get", "/api/v1/catalog/variants/{sku}/")


def test_staff_mark_a_variant_as_a_gift_card_in_the_admin(admin_client):
    variant = make_product(variants=[{"sku": "CARD"}]).variants.get()

    page = admin_client.get(f"/admin/catalog/variant/{variant.pk}/change/").content.decode()

    assert 'name="gift_card"' in page
