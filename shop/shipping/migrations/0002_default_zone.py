"""
The zone a shop starts with: "Everywhere", with the standard (4.90, free from
50.00) and express (12.90) methods the shop offered before zones existed
(shop/shipping/defaults.py). Nothing is created when zones exist already.
"""

from django.db import migrations

from shop.shipping.defaults import create_default_zone


def create(apps, schema_editor):
    create_default_zone(
        apps.get_model("shipping", "ShippingZone"),
        apps.get_model("shipping", "ShippingMethod"),
        apps.get_model("shipping", "ShippingRate"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
