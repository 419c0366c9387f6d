"""
Staff set what a variant is taxed as (and what it weighs) wherever they manage
products: the catalog CSV both ways and the staff variant API, checked against
the taxes service's classes. The product API says whether prices include tax.
"""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from shop.catalog import public
from shop.catalog.models import Variant
from shop.taxes.models import TaxClass
from tests.api.contract import assert_documented

from .factories import make_product

pytestmark = pytest.mark.django_db

HEADER = "sku,product_slug,product_name,price,stock_on_hand,tax_class"
VARIANT = "/api/v1/catalog/variants/{sku}/"


@pytest.fixture(autouse=True)
def classes():
    """The three classes a new shop has (a data migration), whatever flushed them."""
    for code, name in (("standard", "Standard"), ("reduced", "Reduced"), ("zero", "Zero")):
        TaxClass.objects.get_or_create(code=code, defaults={"name": name})


def run_import(tmp_path, *lines: str) -> str:
    path = tmp_path / "catalog.csv"
    path.write_text("".join(f"{line}\n" for line in lines))
    out = StringIO()
    call_command("import_catalog", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def export() -> list[dict]:
    out = StringIO()
    call_command("export_catalog", "-", stdout=out)
    return list(csv.DictReader(StringIO(out.getvalue())))


# --- the CSV -------------------------------------------------------------------------


def test_the_export_names_each_variants_tax_class_and_weight():
    make_product(slug="bread", variants=[{"sku": "BREAD", "tax_class": "reduced"}])
    make_product(slug="kettle", variants=[{"sku": "KETTLE", "weight_grams": 1250}])

    rows = {row["sku"]: row for row in export()}

    assert (rows["BREAD"]["tax_class"], rows["KETTLE"]["tax_class"]) == ("reduced", "standard")
    assert rows["KETTLE"]["weight_grams"] == "1250"


def test_the_import_sets_tax_classes_and_an_empty_cell_means_standard(tmp_path):
    make_product(slug="bread", variants=[{"sku": "BREAD", "tax_class": "zero"}])

    output = run_import(tmp_path, HEADER, "BREAD,bread,Bread,3.00,5,reduced", "MUG,mug,Mug,9.00,5,")

    assert "variants created 1, updated 1" in output
    assert dict(Variant.objects.values_list("sku", "tax_class")) == {
        "BREAD": "reduced",
        "MUG": "standard",
    }
    assert public.get_variant("BREAD").tax_class == "reduced"


def test_an_unknown_tax_class_is_a_row_error_naming_the_classes_and_changes_nothing(tmp_path):
    make_product(slug="bread", variants=[{"sku": "BREAD", "tax_class": "reduced"}])

    with pytest.raises(CommandError) as refused:
        run_import(tmp_path, HEADER, "BREAD,bread,Bread,3.00,5,luxury")

    message = str(refused.value)
    assert "line 2, tax_class" in message
    assert "No tax class has the code 'luxury'; the classes are: " in message
    assert "reduced" in message and "standard" in message
    assert Variant.objects.get(sku="BREAD").tax_class == "reduced"


def test_skip_invalid_imports_the_rows_with_known_classes(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(f"{HEADER}\nA,a,A,1.00,1,zero\nB,b,B,1.00,1,luxury\n")
    out = StringIO()

    call_command("import_catalog", str(path), "--skip-invalid", stdout=out, stderr=StringIO())

    assert list(Variant.objects.values_list("sku", "tax_class")) == [("A", "zero")]


def test_a_class_staff_added_under_taxes_can_be_imported(tmp_path):
    TaxClass.objects.create(code="books", name="Books")

    run_import(tmp_path, HEADER, "ATLAS,atlas,Atlas,30.00,5,books")

    assert Variant.objects.get(sku="ATLAS").tax_class == "books"


def test_a_file_without_the_tax_class_column_leaves_classes_as_they_are(tmp_path):
    make_product(slug="bread", variants=[{"sku": "BREAD", "tax_class": "reduced"}])

    run_import(tmp_path, "sku,product_slug,product_name,price,stock_on_hand", "BREAD,bread,B,1,5")

    assert Variant.objects.get(sku="BREAD").tax_class == "reduced"


def test_an_export_with_tax_classes_imports_back_unchanged(tmp_path):
    make_product(slug="bread", variants=[{"sku": "BREAD", "tax_class": "reduced"}])
    out = StringIO()
    call_command("export_catalog", "-", stdout=out)
    path = tmp_path / "again.csv"
    path.write_text(out.getvalue())

    again = StringIO()
    call_command("import_catalog", str(path), stdout=again, stderr=StringIO())

    assert "unchanged 1" in again.getvalue()


# --- the staff API -------------------------------------------------------------------


def test_staff_see_a_variants_tax_class_and_weight(staff_api):
    make_product(variants=[{"sku": "BREAD", "tax_class": "reduced", "weight_grams": 500}])

    response = staff_api.get(VARIANT.format(sku="BREAD"))

    assert (response.json()["tax_class"], response.json()["weight_grams"]) == ("reduced", 500)
    assert_documented(response, "get", "/api/v1/catalog/variants/{sku}/")


def test_staff_set_the_tax_class_and_weight_and_checkouts_see_them(staff_api):
    make_product(variants=[{"sku": "BREAD"}])

    response = staff_api.patch(
        VARIANT.format(sku="BREAD"), {"tax_class": "reduced", "weight_grams": 500}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["tax_class"], response.json()["weight_grams"]) == ("reduced", 500)
    info = public.get_variant("BREAD")
    assert (info.tax_class, info.weight_grams) == ("reduced", 500)
    assert_documented(response, "patch", "/api/v1/catalog/variants/{sku}/")


def test_an_unknown_tax_class_is_refused_with_the_classes_and_changes_nothing(staff_api):
    make_product(variants=[{"sku": "BREAD", "stock_on_hand": 3}])

    response = staff_api.patch(
        VARIANT.format(sku="BREAD"), {"tax_class": "luxury", "stock_on_hand": 50}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_tax_class"
    assert body["tax_class"] == "luxury"
    assert set(body["choices"].split(", ")) >= {"standard", "reduced", "zero"}
    variant = Variant.objects.get(sku="BREAD")
    assert (variant.tax_class, variant.stock_on_hand) == ("standard", 3)
    assert_documented(response, "patch", "/api/v1/catalog/variants/{sku}/")


@pytest.mark.parametrize("weight", [-1, 1.5, "heavy", True])
def test_a_weight_that_is_not_whole_grams_is_refused(staff_api, weight):
    make_product(variants=[{"sku": "BREAD", "weight_grams": 500}])

    response = staff_api.patch(VARIANT.format(sku="BREAD"), {"weight_grams": weight}, format="json")

    assert response.status_code == 400
    assert "weight_grams" in response.json()
    assert Variant.objects.get(sku="BREAD").weight_grams == 500


@pytest.mark.parametrize("tax_class", [None, 7, ["reduced"]])
def test_a_tax_class_that_is_not_a_code_is_refused(staff_api, tax_class):
    make_product(variants=[{"sku": "BREAD"}])

    response = staff_api.patch(VARIANT.format(sku="BREAD"), {"tax_class": tax_class}, format="json")

    assert response.status_code == 400
    assert Variant.objects.get(sku="BREAD").tax_class == "standard"


# --- what prices include ---------------------------------------------------------------


@pytest.mark.parametrize("gross", [True, False])
def test_the_product_api_says_whether_prices_include_tax(settings, gross):
    settings.TAXES_PRICES_INCLUDE_TAX = gross
    product = make_product("Tee")
    api = APIClient()

    detail = api.get(f"/api/v1/catalog/products/{product.slug}/")
    listing = api.get("/api/v1/catalog/products/")

    assert detail.json()["prices_include_tax"] is gross
    assert listing.json()["results"][0]["prices_include_tax"] is gross
    assert_documented(detail, "get", "/api/v1/catalog/products/{slug}/")


@pytest.mark.parametrize(("gross", "note"), [(True, "incl. VAT"), (False, "plus tax")])
def test_product_and_category_pages_say_what_prices_include(client, settings, gross, note):
    settings.TAXES_PRICES_INCLUDE_TAX = gross
    product = make_product("Tee")

    assert note in client.get(f"/p/{product.slug}/").content.decode()
    assert note in client.get("/products/").content.decode()


def test_cached_listings_and_the_product_api_follow_a_changed_price_setting(client, settings):
    """The shared page, fragment and API caches (a cookie visitor gets the shared page)."""
    make_product("Tee")
    client.cookies["seen"] = "1"
    api = APIClient()
    api.cookies["seen"] = "1"
    settings.TAXES_PRICES_INCLUDE_TAX = True
    assert "incl. VAT" in client.get("/products/").content.decode()
    assert api.get("/api/v1/catalog/products/").json()["results"][0]["prices_include_tax"]

    settings.TAXES_PRICES_INCLUDE_TAX = False

    assert "plus tax" in client.get("/products/").content.decode()
    assert api.get("/api/v1/catalog/products/").json()["results"][0]["prices_include_tax"] is False
