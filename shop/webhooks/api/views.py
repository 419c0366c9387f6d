"""
The staff API for webhook endpoints (``/api/v1/webhooks/endpoints/``):
list, create, read, change, delete, and rotate a secret. The secret is in
the answer to a creation and to a rotation, and never again. Refusals are
400 with a stable code: ``invalid`` (a field, DRF's messages by field),
``unknown_event_type``, ``webhook_url_invalid``, ``webhook_url_not_https``,
``webhook_url_unresolvable``, ``webhook_url_forbidden_address``.
"""

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from shop.core.api.throttling import ClientRateThrottle

from ..models import Endpoint
from ..services import endpoints
from . import schema
from .permissions import CanManageEndpoints
from .serializers import EndpointSerializer, EndpointWithSecretSerializer


def _validated(request, *, partial: bool = False) -> dict:
    serializer = EndpointSerializer(data=request.data, partial=partial)
    if not serializer.is_valid():
        raise ValidationError(
            {"detail": "Some values are invalid.", "code": "invalid", **serializer.errors}
        )
    return serializer.validated_data


class StaffView(GenericAPIView):
    permission_classes = [CanManageEndpoints]
    parser_classes = [JSONParser]
    throttle_classes = [ClientRateThrottle]
    serializer_class = EndpointSerializer
    queryset = Endpoint.objects.order_by("pk")


class EndpointListView(StaffView):
    @schema.list_endpoints
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    @schema.create_endpoint
    def post(self, request):
        endpoint = endpoints.create(**_validated(request))
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(StaffView):
    @schema.get_endpoint
    def get(self, request, pk):
        return Response(EndpointSerializer(endpoints.get(pk)).data)

    @schema.update_endpoint
    def patch(self, request, pk):
        endpoint = endpoints.update(endpoints.get(pk), **_validated(request, partial=True))
        return Response(EndpointSerializer(endpoint).data)

    @schema.replace_endpoint
    def put(self, request, pk):
        endpoint = endpoints.update(endpoints.get(pk), **_validated(request))
        return Response(EndpointSerializer(endpoint).data)

    @schema.delete_endpoint
    def delete(self, request, pk):
        endpoints.delete(endpoints.get(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RotateSecretView(StaffView):
    permission_action = "change"

    @schema.rotate_secret
    def post(self, request, pk):
        endpoint = endpoints.rotate_secret(endpoints.get(pk))
        return Response(EndpointWithSecretSerializer(endpoint).data)
