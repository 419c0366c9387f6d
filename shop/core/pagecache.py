"""
Whole-response caching for visitors who carry no state: no cookie, no
``Authorization`` header. Such a visitor (a first visit, a crawler, a
load balancer's warm-up, an anonymous API client) gets the same bytes as every
other, so the response can be kept and served without running the view.

Freshness comes from a version number in the cache that the owning app bumps
on every change (for the catalog, ``shop.catalog.cache.catalog_changed``).
An entry is stored with the version it was rendered at and fetched together
with the current version in one round trip (``get_many``); a different
version is a miss. Nothing is ever deleted: stale entries age out.

What changes by time alone, with nobody writing anything (a sale starting or
ending), cannot bump a version. For that the owner passes ``fresh_until``:
the first instant the page may change by itself, read before rendering. The
entry is stored with a timeout that ends no later than that instant (none at
all if it has passed by the time the page is rendered) and carries the
instant, so a read after it is a miss whatever the backend's expiry does.

A visitor with a cookie (a session: logged in, a cart, a flash message; a CSRF
cookie) is never served the shared bytes as they are, and a response that
sets a cookie, is not a 200 or is marked private is never stored, so
per-visitor content cannot leak into the shared cache. Pages whose only
per-visitor part is the header (``visitors=True``) serve such a visitor the
shared bytes with that part rendered for them (``shop.core.visitor``,
decision 0036), marked ``private``; on a miss the page is rendered once as a
stateless visitor would get it, stored, and filled the same way.
"""

import hashlib
import math
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import visitor

HEADER = "X-Page-Cache"
# Part of every key: change it when the stored entry's shape changes, so a
# deploy never reads entries written by the previous code.
ENTRY_FORMAT = 3


def _shared_url(request, params: frozenset[str]) -> bool:
    """
    A GET of a page that may be shared: its query string has only the view's
    known parameters, each once (made-up parameters would otherwise let
    anyone fill the cache with copies of the same page), and it names no API
    caller or cart.
    """
    return (
        request.method == "GET"
        and all(name in params and len(request.GET.getlist(name)) == 1 for name in request.GET)
        and "HTTP_AUTHORIZATION" not in request.META
        and "HTTP_X_CART_TOKEN" not in request.META
    )


def _cacheable_response(request, response) -> bool:
    """A 200 that gives the visitor nothing of their own (cookies are set later, by middleware)."""
    cache_control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not getattr(messages, "added_new", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def bounded_timeout(timeout: int | None, fresh_until: datetime | None) -> int | None:
    """
    ``timeout`` (seconds, None: forever) cut to end no later than
    ``fresh_until``, rounded down; 0 when less than a second is left, which
    the caller must take as "do not store".
    """
    if fresh_until is None:
        return timeout
    left = math.floor((fresh_until - timezone.now()).total_seconds())
    left = max(left, 0)
    return left if timeout is None else min(timeout, left)


def is_fresh(fresh_until: datetime | None) -> bool:
    return fresh_until is None or timezone.now() < fresh_until


def _key(prefix: str, request, variant: str = "") -> str:
    query = urlencode(sorted(request.GET.items()))
    # Scheme and host too: responses carry absolute links (API pagination, images).
    origin = f"{request.scheme}://{request.get_host()}"
    # What Accept can change is HTML (the browsable API) or not; keying on the
    # raw header would let made-up headers fill the cache.
    wants_html = "text/html" in request.META.get("HTTP_ACCEPT", "")
    what = f"{origin}{request.path}?{query}|{'html' if wants_html else 'data'}|{variant}"
    return f"page{ENTRY_FORMAT}:{prefix}:{hashlib.sha256(what.encode()).hexdigest()}"


def versioned_page_cache(
    prefix: str,
    version_key: str,
    *,
    current_version: Callable[[], int],
    timeout: int | Callable,
    params: Iterable[str] = (),
    fresh_until: Callable[[], datetime | None] | None = None,
    visitors: bool = False,
    variant: Callable[[], str] | None = None,
):
    """
    Decorate a view so that stateless visitors share one cached response per
    absolute URL (and ``Accept`` header) for the current value of ``version_key``.
    ``current_version`` reads (and if need be initialises) that value;
    ``params`` are the query parameters the view reads (any other one, or a
    repeated one, bypasses the cache); ``fresh_until`` gives the first
    instant the response may change without a new version (None: never);
    ``visitors``: nothing but the header's visitor part (``shop.core.visitor``)
    differs between visitors, so visitors with a session are served the
    shared response with that part filled in for them; ``variant`` names a
    setting the response depends on besides the URL (a change of it, after a
    deployment, must not serve pages made under the old one).
    """
    params = frozenset(params)

    def decorator(view):
        def personal(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _shared_url(request, params):
                return view(request, *args, **kwargs)
            stateless = not request.COOKIES
            if not stateless and (not visitors or visitor.has_pending_messages(request)):
                return personal(request, *args, **kwargs)
            key = _key(prefix, request, variant() if variant is not None else "")
            found = cache.get_many([version_key, key])
            version, entry = found.get(version_key), found.get(key)
            if (
                version is not None
                and entry is not None
                and entry[0] == version
                and is_fresh(entry[1])
            ):
                content, status, headers = entry[2:]
                if stateless:
                    response = HttpResponse(content, status=status, headers=headers)
                    response[HEADER] = "hit"
                    return response
                return _filled(request, content, status, headers) or personal(
                    request, *args, **kwargs
                )
            version = current_version() if version is None else version
            until = fresh_until() if fresh_until is not None else None
            shared = request if stateless else visitor.stranger(request)
            response = view(shared, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            patch_vary_headers(response, ("Cookie", "Authorization"))
            if not _cacheable_response(shared, response):
                return response if stateless else personal(request, *args, **kwargs)
            response[HEADER] = "miss"
            keep_for = bounded_timeout(timeout() if callable(timeout) else timeout, until)
            if keep_for != 0:
                # Bytes and headers only: a pickled DRF response drags its data along.
                entry = (
                    version,
                    until,
                    response.content,
                    response.status_code,
                    dict(response.items()),
                )
                cache.set(key, entry, keep_for)
            if stateless:
                return response
            return _filled(
                request, response.content, response.status_code, dict(response.items())
            ) or personal(request, *args, **kwargs)

        return wrapped

    return decorator


def _filled(request, content: bytes, status: int, headers: dict) -> HttpResponse | None:
    """The shared response with the visitor's part rendered for ``request``, kept private."""
    content = visitor.fill(request, content)
    if content is None:
        return None
    response = HttpResponse(content, status=status, headers=headers)
    response[HEADER] = "filled"
    patch_cache_control(response, private=True)
    return response
