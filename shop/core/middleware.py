"""Response headers every page of the shop carries, and who a development server answers."""

import logging

from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse

from .loopback import forwarded_addresses, is_loopback_address

logger = logging.getLogger(__name__)

LOCAL_ONLY_CODE = "development_server_local_only"
LOCAL_ONLY_DETAIL = (
    "This shop runs with development settings (DEBUG=1) and answers this machine only."
)


class DebugServesThisMachineOnlyMiddleware:
    """
    With ``DEBUG`` on (and not ``DEBUG_ON_PUBLIC_HOST``), a request from
    another machine is refused with 403 ``development_server_local_only``:
    one whose peer address is not loopback, or that a proxy forwarded for a
    client that is not (a request without a peer address came through a
    Unix socket, from this machine). ``ALLOWED_HOSTS`` alone would not do: anyone who can
    reach the port can send ``Host: localhost``. docs/decisions/0020.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG and not getattr(settings, "DEBUG_ON_PUBLIC_HOST", False):
            # No peer address: a Unix socket, on this machine by definition.
            peer = request.META.get("REMOTE_ADDR") or "127.0.0.1"
            clients = [peer, *forwarded_addresses(request.META)]
            remote = [client for client in clients if not is_loopback_address(client)]
            if remote:
                logger.warning(
                    "Refused %s %s from %s: DEBUG=1 serves this machine only (set DEBUG=0 "
                    "for a public host, or DEBUG_ON_PUBLIC_HOST=1 to serve others on purpose).",
                    request.method,
                    request.path,
                    ", ".join(client.strip() for client in remote),
                )
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": LOCAL_ONLY_DETAIL, "code": LOCAL_ONLY_CODE}, status=403
                    )
                return HttpResponseForbidden(LOCAL_ONLY_DETAIL, content_type="text/plain")
        return self.get_response(request)


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
