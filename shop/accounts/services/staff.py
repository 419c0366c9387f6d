"""
Staff signing in to another service's admin with their shop account
(``public.authenticate_staff``): the password is checked here, where it is
kept, and the service gets who they are and what they may do.
"""

from django.contrib.auth.backends import ModelBackend

from ..roles import ROLES


def staff_member(email: str, password: str):
    """The active staff user with this email and password, or ``None``."""
    user = ModelBackend().authenticate(None, username=email, password=password)
    if user is None or not user.is_staff:
        return None
    return user


def permissions_of(user) -> tuple[str, ...]:
    """
    What ``user`` may do, as ``"app_label.codename"`` strings: their own and
    their groups' permissions, and what ``ROLES`` grants their roles by name,
    so the permissions on models of a service running elsewhere (whose rows
    this database does not hold) are known too.
    """
    granted = set(user.get_all_permissions())
    for role in user.groups.values_list("name", flat=True):
        granted.update(ROLES.get(role, ()))
    return tuple(sorted(granted))


def emails_of_staff_who_may(permission: str) -> tuple[str, ...]:
    """
    The addresses of active staff who hold ``permission`` ("app_label.codename"),
    superusers included: by their own or their groups' permissions, or by a
    role of ``ROLES`` that grants it.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    roles = [name for name, granted in ROLES.items() if permission in granted]
    users = get_user_model().objects.with_perm(
        permission,
        is_active=True,
        include_superusers=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    by_role = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    found = (
        get_user_model()
        .objects.filter(Q(pk__in=users.values("pk")) | Q(pk__in=by_role.values("pk")))
        .filter(is_staff=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    return tuple(dict.fromkeys(found))
