"""OpenAPI documentation of the accounts API: error shapes, responses and examples."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

TAGS = ["accounts"]

Error = inline_serializer(
    "AccountsError",
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
    403: error(
        "A browser session sent a change without its CSRF token.",
        error_example("CSRF", "CSRF Failed: CSRF token missing.", "permission_denied"),
    ),
}
INVALID_INPUT = OpenApiResponse(
    Error,
    description=(
        'Malformed input: besides "detail" and "code" ("invalid"), each invalid field maps '
        "to a list of messages."
    ),
    examples=[
        error_example(
            "Unknown country",
            "Some values are invalid.",
            "invalid",
            country=['"XX" is not a valid choice.'],
        )
    ],
)
ADDRESS_NOT_FOUND = error(
    "The address does not exist or belongs to someone else.",
    error_example("Unknown", "No such address.", "address_not_found"),
)

PROFILE = {
    "email": "ada@example.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "phone": "+44 20 7946 0958",
    "email_verified": True,
    "date_joined": "2025-03-01T09:30:00Z",
}
ADDRESS_INPUT = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "region": "",
    "country": "GB",
    "phone": "+44 20 7946 0958",
    "is_default": True,
}
ADDRESS = {"id": 7, **ADDRESS_INPUT}
