"""
Keeps the staff groups' permissions in step with ``roles.ROLES`` after every
``migrate``, and announces confirmed addresses (``accounts.EmailConfirmed``)
when one is confirmed and at sign-in.
"""

import sys

from allauth.account.signals import email_confirmed
from django.apps import apps as global_apps
from django.contrib.auth.signals import user_logged_in
from django.db import router
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import sync_roles
from .services import confirmation


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


@receiver(email_confirmed, dispatch_uid="accounts.announce_email_confirmed")
def announce_email_confirmed(sender, request=None, email_address=None, **kwargs):
    if email_address is not None and email_address.user_id:
        confirmation.announce_confirmed(email_address.user_id, email_address.email)


@receiver(user_logged_in, dispatch_uid="accounts.announce_confirmed_at_sign_in")
def announce_confirmed_at_sign_in(sender, request=None, user=None, **kwargs):
    if user is not None and user.pk:
        confirmation.announce_confirmed_at_sign_in(user.pk)
