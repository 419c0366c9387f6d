"""
A GIN index for product search on PostgreSQL, built from the same expression
the search uses (``selectors.search_document``), so the planner can match it.
Other databases search without it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "catalog_product_search"


def search_index():
    from shop.catalog.selectors import search_document

    return GinIndex(search_document("english"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "Product"), search_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "Product"), search_index())


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_products_variants_reservations")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
