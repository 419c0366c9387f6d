"""
Response headers every page of the shop carries, who a development server
answers, and the request id its log lines carry.
"""

import logging
import time

from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse

from . import logcontext
from .loopback import forwarded_addresses, is_loopback_address

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("shop.access")

# URL arguments whose values are bearer keys (a guest's order link, a payment
# page, allauth's email confirmation and password reset): never in a log line.
_SECRET_ARGUMENTS = ("key", "token", "uid", "secret", "signature")


class RequestIdMiddleware:
    """
    Gives the request an id, the sane one a proxy or client sent in
    ``X-Request-ID`` or a new one (``logcontext.accept_request_id``), binds
    it with the request for every log record made while it is handled,
    returns it in the response's ``X-Request-ID``, and writes the request's
    line to ``shop.access`` (method, route, status, duration; on when
    ``LOG_REQUESTS``). First in ``MIDDLEWARE``, so every other one's records
    carry it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logcontext.accept_request_id(request.headers.get(logcontext.REQUEST_ID_HEADER))
        request.request_id = request_id
        started = time.perf_counter()
        with logcontext.bound(request, request_id=request_id):
            response = self.get_response(request)
            response[logcontext.REQUEST_ID_HEADER] = request_id
            if access_logger.isEnabledFor(logging.INFO):
                _log_request(request, response, time.perf_counter() - started)
        return response


def _log_request(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = match.route if match else ""
    path = _path_without_keys(request.path, match.kwargs if match else {})
    duration_ms = round(seconds * 1000, 1)
    access_logger.info(
        "%s %s %s in %s ms",
        request.method,
        path,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "path": path,
            "route": route,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )


def _path_without_keys(path: str, arguments: dict) -> str:
    """``path`` with each segment that holds a secret URL argument's value blanked."""
    secrets = [
        str(value)
        for name, value in arguments.items()
        if str(value) and any(secret in name.lower() for secret in _SECRET_ARGUMENTS)
    ]
    if not secrets:
        return path
    return "/".join(
        "[redacted]" if any(secret in segment for secret in secrets) else segment
        for segment in path.split("/")
    )


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
