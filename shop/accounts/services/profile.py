"""The profile: a user's name and phone number (the email is allauth's to change)."""

from django.core.exceptions import ValidationError

from ..db import db
from ..errors import InvalidProfile, field_errors
from ..models import User
from .locking import locked_user

PROFILE_FIELDS = ("first_name", "last_name", "phone")


def update_profile(
    user_id: int,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> User:
    """Change the given profile fields (``None`` leaves a field as it is)."""
    given = {"first_name": first_name, "last_name": last_name, "phone": phone}
    changes = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in given.items()
        if value is not None
    }
    with db.atomic():
        user = locked_user(user_id)
        if not changes:
            return user
        for name, value in changes.items():
            setattr(user, name, value)
        exclude = [f.name for f in User._meta.fields if f.name not in changes]
        try:
            user.clean_fields(exclude=exclude)
        except ValidationError as exc:
            raise InvalidProfile(errors=field_errors(exc)) from None
        user.save(update_fields=list(changes))
    return user
