"""
OpenAPI documentation of the accounts API: one ``extend_schema`` per view
method (``@schema.get_profile`` in ``views``), with the responses and
examples it needs. The error shape is the shared ``Error`` component of
``shop.core.api.docs``.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema

from shop.core.api.docs import CSRF, NOT_SIGNED_IN, error, error_example, example

from .serializers import AddressSerializer, ProfileSerializer

TAGS = ["accounts"]

# Every endpoint is about the signed-in caller; a browser session also needs its CSRF token.
SIGNED_IN_ONLY = {**NOT_SIGNED_IN, **CSRF}
INVALID_INPUT = error(
    'Malformed input: besides "detail" and "code" ("invalid"), each invalid field maps '
    "to a list of messages.",
    error_example(
        "Unknown country",
        "Some values are invalid.",
        "invalid",
        country=['"XX" is not a valid choice.'],
    ),
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


def _address(name: str) -> OpenApiResponse:
    return OpenApiResponse(AddressSerializer, examples=[example(name, ADDRESS)])


def _profile(name: str) -> OpenApiResponse:
    return OpenApiResponse(ProfileSerializer, examples=[example(name, PROFILE)])


get_profile = extend_schema(
    tags=TAGS,
    summary="Your profile",
    description="The signed-in user's name, phone and whether their email is confirmed.",
    responses={200: _profile("Profile"), **SIGNED_IN_ONLY},
)

update_profile = extend_schema(
    tags=TAGS,
    summary="Change your name or phone",
    description=(
        "Send any of first_name, last_name and phone. The email address is changed "
        "through allauth (/_allauth/app/v1/account/email), which verifies it."
    ),
    request=ProfileSerializer,
    examples=[example("New phone", {"phone": "+44 20 7946 0000"}, request_only=True)],
    responses={200: _profile("Updated"), 400: INVALID_INPUT, **SIGNED_IN_ONLY},
)

list_addresses = extend_schema(
    tags=TAGS,
    summary="Your address book",
    operation_id="accounts_addresses_list",
    description="Your shipping addresses, the default first, then the newest.",
    responses={
        200: OpenApiResponse(AddressSerializer(many=True), examples=[example("A page", ADDRESS)]),
        **SIGNED_IN_ONLY,
    },
)

add_address = extend_schema(
    tags=TAGS,
    summary="Add an address",
    description=(
        "Adds a shipping address. With is_default (or as your first address) it becomes "
        "the default, and the previous default stops being one."
    ),
    request=AddressSerializer,
    examples=[example("New address", ADDRESS_INPUT, request_only=True)],
    responses={
        201: _address("Added"),
        400: INVALID_INPUT,
        409: ADDRESS_BOOK_FULL,
        **SIGNED_IN_ONLY,
    },
)

get_address = extend_schema(
    tags=TAGS,
    summary="One of your addresses",
    responses={200: _address("Address"), 404: ADDRESS_NOT_FOUND, **SIGNED_IN_ONLY},
)

replace_address = extend_schema(
    tags=TAGS,
    summary="Replace an address",
    description="Every field as with adding one; is_default may be left out.",
    request=AddressSerializer,
    examples=[example("Address", ADDRESS_INPUT, request_only=True)],
    responses={
        200: _address("Replaced"),
        400: INVALID_INPUT,
        404: ADDRESS_NOT_FOUND,
        **SIGNED_IN_ONLY,
    },
)

change_address = extend_schema(
    tags=TAGS,
    summary="Change an address",
    description="Send only the fields that change.",
    request=AddressSerializer,
    examples=[example("New postcode", {"postal_code": "SW1Y 4JU"}, request_only=True)],
    responses={
        200: _address("Changed"),
        400: INVALID_INPUT,
        404: ADDRESS_NOT_FOUND,
        **SIGNED_IN_ONLY,
    },
)

delete_address = extend_schema(
    tags=TAGS,
    summary="Delete an address",
    description="Removes it from the address book. Orders placed with it keep their copy of it.",
    responses={
        204: OpenApiResponse(description="Deleted."),
        404: ADDRESS_NOT_FOUND,
        **SIGNED_IN_ONLY,
    },
)

make_default_address = extend_schema(
    tags=TAGS,
    summary="Make an address your default",
    description="The previous default address stops being one.",
    request=None,
    responses={200: _address("Default"), 404: ADDRESS_NOT_FOUND, **SIGNED_IN_ONLY},
)
