"""OpenAPI documentation of the accounts API: error shapes, responses and examples."""

from drf_spectacular.utils import OpenApiResponse

from shop.core.api import docs
from shop.core.api.docs import CSRF, Error, error, error_example, example  # noqa: F401

TAGS = ["accounts"]

NOT_SIGNED_IN = {**docs.NOT_SIGNED_IN, **docs.CSRF}
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

ADDRESS_BOOK_FULL = error(
    "The address book holds ACCOUNTS_MAX_ADDRESSES (20) addresses already.",
    error_example(
        "Full",
        "Your address book is full: delete an address you no longer use first.",
        "address_book_full",
        limit=20,
    ),
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
