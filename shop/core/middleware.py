"""Response headers every page of the shop carries."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """
    ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY``: each browser
    feature with the origins allowed to use it (none: ``camera=()``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response
