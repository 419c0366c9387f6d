"""
Who is signed in, read from the cache: the user's row kept per user and
versioned (``shop.core.versioned``), so a page for a signed-in customer needs
no query for it (decision 0037).

Django's own check still decides: the session must name a backend the shop
uses and carry the hash of the user's password as it is now, and the user
must be active (the hash is worked out when the row is read; the password
hash itself is not kept). The row is bumped by every save and delete of a user (when
it is made and when it commits), so a password change, a deactivation or a
deletion is seen by the next request. Anything that does not pass with the
cached row (a hash made with an old secret key, a session to flush) goes to
``django.contrib.auth.get_user``, which reads the row and decides as always.

The API's callers sign in with allauth's access tokens (JWT), which name a
session: ``validate_access_token`` is allauth's check with the session's
user taken the same way (``CachedJWTAuthentication``).
"""

import hashlib
import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from shop.core import versioned

from .db import db
from .models import User

# A bound on top of the versions: a row changed by a bulk update (which sends
# no signal; the shop makes none) is read afresh within this time.
TIMEOUT = 10 * 60


def _name(user_id) -> str:
    # The secret key's digest too: after a rotation, rows kept with the old
    # key's session hashes are never read.
    return f"accounts:user:{_KEY_ID}:{user_id}"


_KEY_ID = hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]


def _read(backend, user_id):
    """
    The row as the backend loads it (None if none, or inactive) with its
    session hash, and without the password hash, which is not kept in the
    cache: the field is deferred, so reading it reads the row and saving
    the user leaves it as it is.
    """
    found = backend.get_user(user_id)
    if found is None:
        return None
    session_hash = found.get_session_auth_hash()
    del found.__dict__["password"]
    return found, session_hash


def user(request):
    """``request.user``, as ``django.contrib.auth.get_user`` would give it."""
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
        session_hash = session[HASH_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    if backend_path in settings.AUTHENTICATION_BACKENDS:
        backend = auth.load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            versioned.prefetch([_name(user_id), *versioned.for_user(user_id)])
            found = versioned.cached(_name(user_id), lambda: _read(backend, user_id), TIMEOUT)
            if found is not None and constant_time_compare(session_hash, found[1]):
                return found[0]
    return auth.get_user(request)


def validate_access_token(token: str):
    """
    ``(user, payload)`` for a valid access token, else ``None``: allauth's
    ``validate_access_token`` (stateful), with the token's session and its
    user read in one cache round trip (``user``). The token must be signed,
    unexpired and of type access; its session must still exist and its user
    be the token's subject. A token checked once is not checked again until
    it expires (``_checked_token``).
    """
    from allauth.account.internal.userkit import str_to_user_id, user_id_to_str
    from allauth.headless import app_settings
    from allauth.headless.tokens.strategies.jwt import internal

    if not app_settings.JWT_STATEFUL_VALIDATION_ENABLED:
        return internal.validate_access_token(token)
    checked = _checked_token(token)
    if checked is None:
        return None
    payload, session_key = checked
    try:
        user_id = str_to_user_id(payload["sub"])
    except (TypeError, ValueError, ValidationError):
        return None
    with versioned.read_together():
        session = _session(session_key, user_id)
        if session is None:
            return None
        request = HttpRequest()
        request.session = session
        found = user(request)
    if not found or found.is_anonymous or user_id_to_str(found) != payload["sub"]:
        return None
    return found, payload


# Access tokens whose signature, type and session id were checked, with what
# they hold, until they expire: an app sends the same token with every call.
_checked: dict[str, tuple[dict, str]] = {}
CHECKED_KEPT = 10_000


def _checked_token(token: str) -> tuple[dict, str] | None:
    """``(payload, session key)`` of an unexpired access token, else ``None``."""
    from allauth.headless.tokens.strategies.jwt import internal

    found = _checked.get(token)
    if found is not None and found[0]["exp"] > time.time():
        return found
    payload = internal.decode_token(token, "access")
    session_key = payload and internal.session_key_from_sid(payload["sid"])
    if not session_key or not isinstance(payload.get("exp"), int | float):
        return None
    if len(_checked) >= CHECKED_KEPT:
        _checked.clear()
    _checked[token] = payload, session_key
    return payload, session_key


def _session(session_key: str, user_id):
    """
    The session ``session_key`` names (``None`` if it ended), read with the
    user's row in one round trip when sessions are kept in the same cache
    (``cached_db``, the default); otherwise as allauth reads it.
    """
    from allauth.headless.internal import sessionkit

    store = sessionkit.session_store(session_key)
    if (
        getattr(store, "cache_key_prefix", None) is None
        or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
        or not store.session_key
    ):
        return sessionkit.lookup_session(session_key)
    data = versioned.prefetch(
        [_name(user_id), *versioned.for_user(user_id)], also=[store.cache_key]
    )[store.cache_key]
    if data is not None:
        store._session_cache = data
        return store
    return sessionkit.lookup_session(session_key)


class CachedUserMiddleware:
    """After Django's ``AuthenticationMiddleware``: ``request.user`` from the cache (``user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: user(request))
        return self.get_response(request)


@receiver(post_save, sender=User, dispatch_uid="accounts.signed_in.saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.signed_in.deleted")
def user_changed(sender, instance, **kwargs):
    versioned.changed(_name(instance.pk), TIMEOUT, db.on_commit)
