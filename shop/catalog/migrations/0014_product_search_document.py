"""
Product search on PostgreSQL reads a stored document: a generated column
holding exactly what ``selectors.search_document("english")`` computes (the
name at weight A, the description at weight B), with a GIN index, so ranking
the matches reads it instead of parsing every matching description again.
It replaces 0003's index on the expression. The models do not declare the
column (PostgreSQL fills it; other databases search without it):
``selectors.search`` names it.
"""

from django.db import migrations

COLUMN = "search_document"
ADD = f"""
ALTER TABLE catalog_product ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'B')
) STORED;
CREATE INDEX catalog_product_search_document ON catalog_product USING gin ({COLUMN});
DROP INDEX IF EXISTS catalog_product_search;
"""
DROP = f"""
ALTER TABLE catalog_product DROP COLUMN IF EXISTS {COLUMN};
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop(apps, schema_editor):
    """Back to 0003's index on the expression."""
    if schema_editor.connection.vendor == "postgresql":
        from django.contrib.postgres.indexes import GinIndex

        from shop.catalog.selectors import search_document

        schema_editor.execute(DROP)
        index = GinIndex(search_document("english"), name="catalog_product_search")
        schema_editor.add_index(apps.get_model("catalog", "Product"), index)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_product_listing_columns")]

    operations = [migrations.RunPython(add, drop, elidable=False)]
