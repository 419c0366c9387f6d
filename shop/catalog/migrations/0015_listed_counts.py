"""
``ListedCount``: how many products each category lists, kept by triggers on
``catalog_product`` (decision 0044), and the listing indexes with the
category and the stock column carried in them.

The triggers fire only when a row enters or leaves a listing or changes
category (the WHEN clause), so the writes a sale makes (the listing columns'
prices and ``in_stock_from``) do not touch the counts. They are SQL, not
Django signals, so bulk updates (``services.listing``), deletes and
``SET_NULL`` on a deleted category count too.
"""

from django.db import migrations, models

LISTED = "{row}.is_active AND {row}.list_price IS NOT NULL"

RECOUNT = """
DELETE FROM catalog_listedcount;
INSERT INTO catalog_listedcount (category, products)
SELECT COALESCE(category_id, 0), COUNT(*) FROM catalog_product
WHERE is_active AND list_price IS NOT NULL
GROUP BY COALESCE(category_id, 0);
"""

POSTGRESQL = f"""
CREATE FUNCTION catalog_count_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF {LISTED.format(row="OLD")} THEN
            UPDATE catalog_listedcount SET products = products - 1
            WHERE category = COALESCE(OLD.category_id, 0);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {LISTED.format(row="NEW")} THEN
            INSERT INTO catalog_listedcount AS counted (category, products)
            VALUES (COALESCE(NEW.category_id, 0), 1)
            ON CONFLICT (category) DO UPDATE SET products = counted.products + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER catalog_listed_insert AFTER INSERT ON catalog_product FOR EACH ROW
WHEN ({LISTED.format(row="NEW")}) EXECUTE FUNCTION catalog_count_listed();
CREATE TRIGGER catalog_listed_delete AFTER DELETE ON catalog_product FOR EACH ROW
WHEN ({LISTED.format(row="OLD")}) EXECUTE FUNCTION catalog_count_listed();
CREATE TRIGGER catalog_listed_update
AFTER UPDATE OF is_active, list_price, category_id ON catalog_product FOR EACH ROW
WHEN (
    ({LISTED.format(row="OLD")}) IS DISTINCT FROM ({LISTED.format(row="NEW")})
    OR ({LISTED.format(row="NEW")} AND OLD.category_id IS DISTINCT FROM NEW.category_id)
) EXECUTE FUNCTION catalog_count_listed();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS catalog_listed_insert ON catalog_product;
DROP TRIGGER IF EXISTS catalog_listed_delete ON catalog_product;
DROP TRIGGER IF EXISTS catalog_listed_update ON catalog_product;
DROP FUNCTION IF EXISTS catalog_count_listed();
"""

# SQLite has no trigger functions: each trigger's body does its own part.
_ADD = f"""
    INSERT INTO catalog_listedcount (category, products)
    SELECT COALESCE(NEW.category_id, 0), 1 WHERE {LISTED.format(row="NEW")}
    ON CONFLICT (category) DO UPDATE SET products = products + 1;"""
_REMOVE = f"""
    UPDATE catalog_listedcount SET products = products - 1
    WHERE category = COALESCE(OLD.category_id, 0) AND {LISTED.format(row="OLD")};"""
SQLITE = [
    f"""CREATE TRIGGER catalog_listed_insert AFTER INSERT ON catalog_product
WHEN {LISTED.format(row="NEW")}
BEGIN{_ADD}
END;""",
    f"""CREATE TRIGGER catalog_listed_delete AFTER DELETE ON catalog_product
WHEN {LISTED.format(row="OLD")}
BEGIN{_REMOVE}
END;""",
    f"""CREATE TRIGGER catalog_listed_update
AFTER UPDATE OF is_active, list_price, category_id ON catalog_product
WHEN ({LISTED.format(row="OLD")}) IS NOT ({LISTED.format(row="NEW")})
    OR ({LISTED.format(row="NEW")} AND OLD.category_id IS NOT NEW.category_id)
BEGIN{_REMOVE}{_ADD}
END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_listed_insert;",
    "DROP TRIGGER IF EXISTS catalog_listed_delete;",
    "DROP TRIGGER IF EXISTS catalog_listed_update;",
]


def _statements(vendor: str, postgresql: str, sqlite: list[str]) -> list[str]:
    if vendor == "postgresql":
        return [postgresql]
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"no listed-count triggers for {vendor}")


def count_listed(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [*_statements(vendor, POSTGRESQL, SQLITE), *RECOUNT.split(";")]:
        if statement.strip():
            schema_editor.execute(statement)


def stop_counting(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, POSTGRESQL_DROP, SQLITE_DROP):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_product_search_document"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedCount",
            fields=[
                ("category", models.BigIntegerField(primary_key=True, serialize=False)),
                ("products", models.IntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="catalog_product_by_name",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="catalog_product_by_price",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="catalog_product_by_price_desc",
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="catalog_product_newest",
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_active", True), ("list_price__isnull", False)),
                fields=["name", "id"],
                include=("category_id", "in_stock_from"),
                name="catalog_product_by_name",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_active", True), ("list_price__isnull", False)),
                fields=["list_price", "name", "id"],
                include=("category_id", "in_stock_from"),
                name="catalog_product_by_price",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_active", True), ("list_price__isnull", False)),
                fields=["-list_price", "name", "id"],
                include=("category_id", "in_stock_from"),
                name="catalog_product_by_price_desc",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_active", True), ("list_price__isnull", False)),
                fields=["-created_at", "-id"],
                include=("category_id", "in_stock_from"),
                name="catalog_product_newest",
            ),
        ),
        migrations.RunPython(count_listed, stop_counting, elidable=False),
    ]
