"""
The staff groups. Their permissions are not set here: Django creates
permissions after the data migrations (``post_migrate``), so
``shop.accounts.roles.sync_roles`` fills them in after every ``migrate``.
The names are frozen here on purpose, as a migration must not change meaning
when ``roles.py`` does.
"""

from django.db import migrations

GROUPS = ("Catalog managers", "Order managers", "Support")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_phone_and_address_book"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
