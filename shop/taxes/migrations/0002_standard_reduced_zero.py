"""The three tax classes every shop has; catalog's variants default to ``standard``."""

from django.db import migrations

CLASSES = [
    ("standard", "Standard rate", "Most goods and services."),
    ("reduced", "Reduced rate", "Food, books and the like, where the country has a reduced rate."),
    ("zero", "Zero rate", "Exempt or zero-rated goods."),
]


def create(apps, schema_editor):
    TaxClass = apps.get_model("taxes", "TaxClass")
    for code, name, description in CLASSES:
        TaxClass.objects.using(schema_editor.connection.alias).get_or_create(
            code=code, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("taxes", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
