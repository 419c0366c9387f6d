from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from . import docs


@docs.api_root
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
