"""
The serving side: one generic internal endpoint per public function of every
app installed here, ``POST /internal/<app>/<function>/``. Only another
service holding ``SHOP_SERVICE_SECRET`` can call it (403 ``service_unauthorized``
otherwise), and only the functions an app's ``public.__all__`` lists (404
``unknown_function``). The prefix is for services, never for the public:
the front proxy does not route it (README, "Running an app as its own
service").
"""

import importlib
import inspect
import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from shop.core.errors import ShopError

from ..registry import service_labels
from . import calls

logger = logging.getLogger(__name__)


def _refusal(status: int, code: str, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail, "extra": extra}, status=status)


def _function(app: str, name: str):
    if app not in service_labels():
        return None
    public = importlib.import_module(f"shop.{app}.public")
    function = getattr(public, name, None) if name in public.__all__ else None
    return function if inspect.isfunction(function) else None


@csrf_exempt
@require_POST
def call(request, app: str, function: str):
    caller = calls.verified_caller(
        request.headers.get(calls.HEADER, ""), app, function, request.body
    )
    if caller is None:
        return _refusal(403, "service_unauthorized", "This endpoint answers other services only.")
    target = _function(app, function)
    if target is None:
        return _refusal(404, "unknown_function", f"shop.{app}.public offers no {function}().")
    try:
        payload = json.loads(request.body or b"{}")
        arguments = calls.load_arguments(target, payload.get("arguments", {}))
    except (ValueError, TypeError, AttributeError, ValidationError) as error:
        return _refusal(400, "invalid_arguments", f"Arguments of {app}.{function}: {error}")
    try:
        result = target(**arguments)
    except ShopError as refused:
        return _refusal(refused.status_code, refused.code, str(refused.detail), **refused.extra)
    logger.debug("%s called %s.%s", caller, app, function)
    return JsonResponse({"result": calls.dump_result(target, result)})
