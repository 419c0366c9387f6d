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
