"""
Staff sign-in to the admin of payments running as a service of its own
(``config/payments_settings.py``), where accounts is elsewhere.

Staff sign in with their shop account: ``AccountsStaffBackend`` asks
accounts (``authenticate_staff``, over HTTP there) to check the password,
then keeps a local copy of the member of staff in this service's own
``auth.User`` table, under the same id, with the permissions accounts
reported on this service's models. Django's admin, its sessions and its log
of changes then work unchanged. The copy is refreshed at every sign-in: a
role taken away or an account closed in accounts counts from the next one,
and a session lasts ``SESSION_COOKIE_AGE`` (eight hours in that deployment).
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import router, transaction

from shop.accounts.public import InvalidCredentials, StaffInfo, authenticate_staff
from shop.core.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


class AccountsStaffBackend(ModelBackend):
    """Checks the password with accounts; permissions are then read locally (``ModelBackend``)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        try:
            staff = authenticate_staff(username, password)
        except InvalidCredentials:
            return None
        except ServiceUnavailable:
            logger.error("Staff sign-in refused: accounts cannot be reached.")
            return None
        return remember(staff)


def remember(staff: StaffInfo):
    """This service's copy of ``staff``: created or brought up to date, with their permissions."""
    user_model = get_user_model()
    with transaction.atomic(using=router.db_for_write(user_model)):
        # An email that moved to another account frees the old copy's username.
        user_model.objects.filter(username=staff.email).exclude(pk=staff.id).update(
            username=f"former-{staff.id}-{staff.email}"[:150], is_active=False
        )
        user, _ = user_model.objects.update_or_create(
            pk=staff.id,
            defaults={
                "username": staff.email,
                "email": staff.email,
                "first_name": staff.full_name[:150],
                "is_staff": True,
                "is_active": True,
                "is_superuser": staff.is_superuser,
            },
        )
        user.user_permissions.set(local_permissions(staff.permissions))
    return user


def local_permissions(names) -> list[Permission]:
    """The permission rows of this database named by ``"app_label.codename"`` strings."""
    wanted = {tuple(name.split(".", 1)) for name in names if "." in name}
    labels = {label for label, _ in wanted}
    rows = Permission.objects.filter(content_type__app_label__in=labels).select_related(
        "content_type"
    )
    return [row for row in rows if (row.content_type.app_label, row.codename) in wanted]
