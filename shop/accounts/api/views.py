"""
The accounts API: the signed-in user's profile and address book, under
``/api/v1/accounts/``. Sign-up, login, email verification and tokens are
allauth's headless endpoints under ``/_allauth/app/v1/``.

Everything here is about the caller: views pass ``request.user.pk`` to
``selectors`` and ``services``, so another user's address is simply not found
(404 ``address_not_found``, never 403).
"""

from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors
from ..services import addresses as address_book
from ..services import profile as profiles
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

    @schema.get_profile
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @schema.update_profile
    def patch(self, request):
        data = validated(ProfileSerializer(data=request.data, partial=True))
        user = profiles.update_profile(request.user.pk, **data)
        return Response(ProfileSerializer(user).data)


class AddressListView(AccountView):
    serializer_class = AddressSerializer

    def get_queryset(self):
        return selectors.addresses_for(self.request.user.pk)

    @schema.list_addresses
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AddressSerializer(page, many=True).data)

    @schema.add_address
    def post(self, request):
        data = validated(AddressSerializer(data=request.data))
        address = address_book.add_address(request.user.pk, **data)
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
        address_book.update_address(request.user.pk, address_id, **data)
        return self.respond(request, address_id)

    @schema.get_address
    def get(self, request, address_id):
        return self.respond(request, address_id)

    @schema.replace_address
    def put(self, request, address_id):
        return self.update(request, address_id, partial=False)

    @schema.change_address
    def patch(self, request, address_id):
        return self.update(request, address_id, partial=True)

    @schema.delete_address
    def delete(self, request, address_id):
        address_book.delete_address(request.user.pk, address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DefaultAddressView(AccountView):
    serializer_class = AddressSerializer

    @schema.make_default_address
    def post(self, request, address_id):
        address_book.set_default_address(request.user.pk, address_id)
        return Response(AddressSerializer(selectors.address_for(request.user.pk, address_id)).data)
