import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse


@extend_schema(
    summary="API root",
    description="Links to the schema, the interactive docs and the API's resources.",
    responses=inline_serializer(
        "ApiRoot",
        {
            "schema": serializers.URLField(),
            "docs": serializers.URLField(),
            "resources": serializers.DictField(child=serializers.URLField()),
        },
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, resources=()):
    """``resources`` are ``(name, url name)`` pairs given by the URLconf."""
    return Response(
        {
            "schema": reverse("schema", request=request),
            "docs": reverse("swagger-ui", request=request),
            "resources": {name: reverse(url, request=request) for name, url in resources},
        }
    )


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
