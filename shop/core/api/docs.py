"""
OpenAPI building blocks every app's API documentation shares: the error
shape ``{"detail", "code", ...}`` as one ``Error`` component, examples, and
the answers to a caller who is not signed in or forgot the CSRF token.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

Error = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="Stable, machine-readable."),
    },
)


def example(name, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, **kwargs)


def error_example(name, detail, code, **extra) -> OpenApiExample:
    return OpenApiExample(name, value={"detail": detail, "code": code, **extra})


def error(description, *examples) -> OpenApiResponse:
    return OpenApiResponse(Error, description=description, examples=list(examples))


NOT_SIGNED_IN = {
    401: error(
        "No valid access token and no signed-in browser session. The response's "
        "WWW-Authenticate header names the Bearer scheme.",
        error_example(
            "No credentials", "Authentication credentials were not provided.", "not_authenticated"
        ),
        error_example("Expired or invalid token", "Invalid token.", "authentication_failed"),
    ),
}
CSRF = {
    403: error(
        "A browser session sent a change without its CSRF token.",
        error_example("CSRF", "CSRF Failed: CSRF token missing.", "permission_denied"),
    ),
}

api_root = extend_schema(
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
