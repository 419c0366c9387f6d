"""
A variant's packed weight (``weight_grams``): edited in the admin, carried
by the catalog CSV both ways, and given to other apps in ``VariantInfo`` so
orders can price shipping by the cart's weight.
"""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shop.catalog import public
from shop.catalog.models import Variant

from .factories import make_product

pytestmark = pytest.mark.django_db

HEADER = "sku,product_slug,product_name,price,stock_on_hand,weight_grams"


def run_import(tmp_path, *lines: str) -> str:
    path = tmp_path / "catalog.csv"
    path.write_text("".join(f"{line}\n" for line in lines))
    out = StringIO()
    call_command("import_catalog", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_other_apps_see_each_variants_weight():
    make_product(variants=[{"sku": "KETTLE", "weight_grams": 1250}, {"sku": "LID"}])

    variants = public.get_variants(["KETTLE", "LID"])

    assert (variants["KETTLE"].weight_grams, variants["LID"].weight_grams) == (1250, 0)


def test_the_import_sets_weights_and_an_empty_cell_means_not_weighed(tmp_path):
    make_product(slug="kettle", variants=[{"sku": "KETTLE", "weight_grams": 900}])

    output = run_import(
        tmp_path, HEADER, "KETTLE,kettle,Kettle,30.00,5,1250", "MUG,mug,Mug,9.00,5,"
    )

    assert "variants created 1, updated 1" in output
    assert dict(Variant.objects.values_list("sku", "weight_grams")) == {"KETTLE": 1250, "MUG": 0}


@pytest.mark.parametrize("weight", ["1.5", "-1", "heavy", "99999999999"])
def test_a_weight_that_is_not_whole_grams_is_refused_naming_line_and_column(tmp_path, weight):
    make_product(slug="kettle", variants=[{"sku": "KETTLE", "weight_grams": 900}])

    with pytest.raises(CommandError, match="line 2, weight_grams"):
        run_import(tmp_path, HEADER, f"KETTLE,kettle,Kettle,30.00,5,{weight}")

    assert Variant.objects.get(sku="KETTLE").weight_grams == 900


def test_a_file_without_the_weight_column_leaves_weights_as_they_are(tmp_path):
    make_product(slug="kettle", variants=[{"sku": "KETTLE", "weight_grams": 900}])

    run_import(tmp_path, "sku,product_slug,product_name,price,stock_on_hand", "KETTLE,kettle,K,1,5")

    assert Variant.objects.get(sku="KETTLE").weight_grams == 900


def test_the_export_writes_weights_and_reads_them_back_unchanged(tmp_path):
    make_product(slug="kettle", variants=[{"sku": "KETTLE", "weight_grams": 1250}])
    out = StringIO()
    call_command("export_catalog", "-", stdout=out)
    [row] = csv.DictReader(StringIO(out.getvalue()))
    assert row["weight_grams"] == "1250"

    path = tmp_path / "again.csv"
    path.write_text(out.getvalue())
    again = StringIO()
    call_command("import_catalog", str(path), stdout=again, stderr=StringIO())
    assert "unchanged 1" in again.getvalue()


def test_staff_edit_a_weight_in_the_admin(admin_client):
    product = make_product(variants=[{"sku": "KETTLE", "weight_grams": 0, "stock_on_hand": 3}])
    variant = product.variants.get()
    page = admin_client.get(f"/admin/catalog/variant/{variant.pk}/change/")
    assert 'name="weight_grams"' in page.content.decode()

    response = admin_client.post(
        f"/admin/catalog/variant/{variant.pk}/change/",
        {
            "product": product.pk,
            "sku": "KETTLE",
            "options": "{}",
            "price": "30.00",
            "stock_on_hand": "3",
            "initial-stock_on_hand": "3",
            "weight_grams": "1250",
            "is_active": "on",
            "position": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Variant.objects.get(pk=variant.pk).weight_grams == 1250
