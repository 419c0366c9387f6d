"""
Keeps the staff groups' permissions in step with ``roles.ROLES`` after every
``migrate``.
"""

import sys

from django.apps import apps as global_apps
from django.db import router
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import sync_roles


def _last_app_with_models():
    """``post_migrate`` is sent once per app, in this order; the last one sees every permission."""
    return [config for config in global_apps.get_app_configs() if config.models_module][-1]


@receiver(post_migrate, dispatch_uid="accounts.sync_staff_roles")
def sync_staff_roles(sender, using="default", apps=global_apps, verbosity=1, **kwargs):
    if sender.label != _last_app_with_models().label:
        return
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, group_model):
        return  # another service's database (SHOP_DATABASES=per-app)
    stdout = kwargs.get("stdout") or sys.stdout
    for change in sync_roles(group_model, permission_model, using=using):
        if change.changed and verbosity >= 2:
            stdout.write(
                f"  Staff role {change.group}: {len(change.added)} permission(s) added, "
                f"{len(change.removed)} removed\n"
            )
