"""
A shared page served to a visitor with a session: the cached bytes that
every stateless visitor gets, with the part that is the visitor's own (the
header's sign-in links and name, the staff link, the cart's count, the sign
out form's CSRF token) rendered for them alone (decision 0036).

``base.html`` wraps that part, ``_visitor_nav.html``, in ``START`` and
``END``; ``fill`` renders the template for the request, with the context
processors a full render would run, and puts it in their place. A page may
be served this way only if nothing else in it depends on who asks, which is
why pages opt in (``versioned_page_cache(..., visitors=True)``).

Flash messages are shown once, by a full render: a visitor with one pending
is not served this way (``has_pending_messages``).
"""

import copy
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.template.loader import render_to_string

from . import versioned

START = b"<!--visitor-->"
END = b"<!--/visitor-->"
TEMPLATE = "_visitor_nav.html"
# What middleware left on the request that belongs to its visitor.
_VISITOR_ATTRIBUTES = ("_cached_user", "auser", "_messages", "session", "user", "auth")
_VISITOR_META = ("HTTP_COOKIE", "CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")


def has_pending_messages(request) -> bool:
    """Flash messages wait for this visitor (reading the count does not mark them shown)."""
    return bool(len(get_messages(request)))


def fill(request, content: bytes) -> bytes | None:
    """
    ``content`` (a page rendered for a stateless visitor) with its visitor
    part rendered for ``request``; None when it has no such part.
    """
    start = content.find(START)
    end = content.find(END, start + len(START)) if start >= 0 else -1
    if end < 0:
        return None
    with versioned.read_together():  # nothing changes while the header renders
        part = render_to_string(TEMPLATE, request=request).encode(settings.DEFAULT_CHARSET)
    return b"".join((content[: start + len(START)], part, content[end:]))


def stranger(request):
    """
    The same request as a visitor with no state would send it: no cookie, an
    empty session, nobody signed in, no messages. What a view renders for it
    may be shared (``shop.core.pagecache`` still checks the response).
    """
    anonymous = copy.copy(request)
    for name in _VISITOR_ATTRIBUTES:
        anonymous.__dict__.pop(name, None)
    anonymous.META = {
        name: value for name, value in request.META.items() if name not in _VISITOR_META
    }
    anonymous.COOKIES = {}
    anonymous.session = import_module(settings.SESSION_ENGINE).SessionStore()
    anonymous.user = AnonymousUser()
    anonymous._messages = default_storage(anonymous)
    return anonymous
