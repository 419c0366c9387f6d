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
Throttled = inline_serializer(
    "Throttled",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text='Always "throttled".'),
        "retry_after": serializers.IntegerField(
            help_text="Seconds until a request will be accepted again (the Retry-After header)."
        ),
    },
)
THROTTLED = OpenApiResponse(
    Throttled,
    description=(
        "Too many requests: per signed-in user, or per client address when anonymous, with "
        "a tighter allowance for changes (POST, PUT, PATCH, DELETE). Wait the seconds of "
        "the Retry-After header, also given as `retry_after`."
    ),
    examples=[
        error_example(
            "Throttled",
            "Request was throttled. Expected available in 42 seconds.",
            "throttled",
            retry_after=42,
        )
    ],
)
RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 1},
    "required": True,
    "description": "Seconds until a request will be accepted again.",
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
