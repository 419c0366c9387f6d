"""
The "Reports" staff group (the sales dashboard, shop/reports). Its
permission is filled in by ``shop.accounts.roles.sync_roles`` after
``migrate``, as the other groups' are (0003_staff_groups says why).
"""

from django.db import migrations

GROUP = "Reports"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_outbox_trace_context")]

    operations = [migrations.RunPython(create_group, delete_group)]
