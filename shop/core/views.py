"""Site-wide views: the error handlers and the favicon."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import cache_control


@cache_control(max_age=24 * 60 * 60)
def favicon(request):
    """``/favicon.ico``, which browsers ask for on pages without a ``<link rel="icon">``."""
    return redirect(static("shop/favicon.svg"))


def not_found(request, exception=None):
    """
    The site's 404 handler: the API's error shape under ``/api/`` (a URL that
    matches no route, such as ``/api/v1/accounts/addresses/abc/``), the
    storefront's page elsewhere.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


# How long a client should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """
    The site's 500 handler. A database that cannot be reached (restarted,
    failing over) answers 503 with ``Retry-After``, so clients and Stripe's
    webhooks try again instead of giving up on a server error; the next
    request reconnects (``CONN_HEALTH_CHECKS``). Under ``/api/`` both answers
    have the API's error shape; elsewhere they are pages that need neither
    the database nor the request's context.
    """
    unreachable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    if unreachable:
        status, code = 503, "service_unavailable"
        detail = "The shop is briefly unavailable. Try again in a few seconds."
    else:
        status, code = 500, "server_error"
        detail = "The shop could not finish the request."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": code}, status=status)
    else:
        template = "503.html" if unreachable else "500.html"
        response = HttpResponse(render_to_string(template), status=status)
    if unreachable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
