"""
The accounts API: the signed-in user's profile and address book, under
``/api/v1/accounts/``. Sign-up, login, email verification and tokens are
allauth's headless endpoints under ``/_allauth/app/v1/``.

Everything here is about the caller: views pass ``request.user.pk`` to
``selectors`` and ``services``, so another user's address is simply not found
(404 ``address_not_found``, never 403).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors, services
from . import schema
from .serializers import AddressSerializer, ProfileSerializer


def invalid(errors: dict) -> ValidationError:
    """DRF's per-field errors, plus the project's ``detail`` and ``code``."""
    return ValidationError({"detail": "Some values are invalid.", "code": "invalid", **errors})


def validated(serializer) -> dict:
    if not serializer.is_valid():
        raise invalid(serializer.errors)
    return serializer.validated_data


class AccountView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]


class MeView(AccountView):
    serializer_class = ProfileSerializer

    @extend_schema(
        tags=schema.TAGS,
        summary="Your profile",
        description="The signed-in user's name, phone and whether their email is confirmed.",
        responses={
            200: OpenApiResponse(
                ProfileSerializer, examples=[schema.example("Profile", schema.PROFILE)]
            ),
            **schema.NOT_SIGNED_IN,
        },
    )
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(
        tags=schema.TAGS,
        summary="Change your name or phone",
        description=(
            "Send any of first_name, last_name and phone. The email address is changed "
            "through allauth (/_allauth/app/v1/account/email), which verifies it."
        ),
        request=ProfileSerializer,
        examples=[
            schema.example("New phone", {"phone": "+44 20 7946 0000"}, request_only=True),
        ],
        responses={
            200: OpenApiResponse(
                ProfileSerializer, examples=[schema.example("Updated", schema.PROFILE)]
            ),
            400: schema.INVALID_INPUT,
            **schema.NOT_SIGNED_IN,
        },
    )
    def patch(self, request):
        data = validated(ProfileSerializer(data=request.data, partial=True))
        user = services.update_profile(request.user.pk, **data)
        return Response(ProfileSerializer(user).data)


class AddressListView(AccountView):
    serializer_class = AddressSerializer

    def get_queryset(self):
        return selectors.addresses_for(self.request.user.pk)

    @extend_schema(
        tags=schema.TAGS,
        summary="Your address book",
        operation_id="accounts_addresses_list",
        description="Your shipping addresses, the default first, then the newest.",
        responses={
            200: OpenApiResponse(
                AddressSerializer(many=True),
                examples=[schema.example("A page", schema.ADDRESS)],
            ),
            **schema.NOT_SIGNED_IN,
        },
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(
        tags=schema.TAGS,
        summary="Add an address",
        description=(
            "Adds a shipping address. With is_default (or as your first address) it becomes "
            "the default, and the previous default stops being one."
        ),
        request=AddressSerializer,
        examples=[schema.example("New address", schema.ADDRESS_INPUT, request_only=True)],
        responses={
            201: OpenApiResponse(
                AddressSerializer, examples=[schema.example("Added", schema.ADDRESS)]
            ),
            400: schema.INVALID_INPUT,
            409: schema.ADDRESS_BOOK_FULL,
            **schema.NOT_SIGNED_IN,
        },
    )
    def post(self, request):
        data = validated(AddressSerializer(data=request.data))
        address = services.add_address(request.user.pk, **data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(AccountView):
    serializer_class = AddressSerializer
    lookup_url_kwarg = "address_id"

    def get_queryset(self):
        # DRF's OPTIONS answer looks the address up to describe PUT.
        return selectors.addresses_for(self.request.user.pk)

    def respond(self, request, address_id: int) -> Response:
        return Response(AddressSerializer(selectors.address_for(request.user.pk, address_id)).data)

    def update(self, request, address_id: int, *, partial: bool) -> Response:
        data = validated(AddressSerializer(data=request.data, partial=partial))
        services.update_address(request.user.pk, address_id, **data)
        return self.respond(request, address_id)

    @extend_schema(
        tags=schema.TAGS,
        summary="One of your addresses",
        responses={
            200: OpenApiResponse(
                AddressSerializer, examples=[schema.example("Address", schema.ADDRESS)]
            ),
            404: schema.ADDRESS_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def get(self, request, address_id):
        return self.respond(request, address_id)

    @extend_schema(
        tags=schema.TAGS,
        summary="Replace an address",
        description="Every field as with adding one; is_default may be left out.",
        request=AddressSerializer,
        examples=[schema.example("Address", schema.ADDRESS_INPUT, request_only=True)],
        responses={
            200: OpenApiResponse(
                AddressSerializer, examples=[schema.example("Replaced", schema.ADDRESS)]
            ),
            400: schema.INVALID_INPUT,
            404: schema.ADDRESS_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def put(self, request, address_id):
        return self.update(request, address_id, partial=False)

    @extend_schema(
        tags=schema.TAGS,
        summary="Change an address",
        description="Send only the fields that change.",
        request=AddressSerializer,
        examples=[schema.example("New postcode", {"postal_code": "SW1Y 4JU"}, request_only=True)],
        responses={
            200: OpenApiResponse(
                AddressSerializer, examples=[schema.example("Changed", schema.ADDRESS)]
            ),
            400: schema.INVALID_INPUT,
            404: schema.ADDRESS_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def patch(self, request, address_id):
        return self.update(request, address_id, partial=True)

    @extend_schema(
        tags=schema.TAGS,
        summary="Delete an address",
        description=(
            "Removes it from the address book. Orders placed with it keep their copy of it."
        ),
        responses={
            204: OpenApiResponse(description="Deleted."),
            404: schema.ADDRESS_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def delete(self, request, address_id):
        services.delete_address(request.user.pk, address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DefaultAddressView(AccountView):
    serializer_class = AddressSerializer

    @extend_schema(
        tags=schema.TAGS,
        summary="Make an address your default",
        description="The previous default address stops being one.",
        request=None,
        responses={
            200: OpenApiResponse(
                AddressSerializer, examples=[schema.example("Default", schema.ADDRESS)]
            ),
            404: schema.ADDRESS_NOT_FOUND,
            **schema.NOT_SIGNED_IN,
        },
    )
    def post(self, request, address_id):
        services.set_default_address(request.user.pk, address_id)
        return Response(AddressSerializer(selectors.address_for(request.user.pk, address_id)).data)
