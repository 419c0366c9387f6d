"""
allauth's headless app endpoints as this shop serves them, routed by
``config.urls`` ahead of allauth's own:

- Phone numbers are not offered: customers sign in by email, and the
  profile's phone is only a contact number. allauth serves these endpoints
  whatever the settings, and they fail (its account adapter stores no phone
  numbers), so here they answer 404 and ``/api/schema/`` leaves them out.
- A password reset key whose user part is missing or not base 36 ("-abc",
  a NUL byte) is refused the way allauth refuses any wrong key; allauth
  65.21 fails on it with a TypeError.
"""

import functools
import json
import re

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.headless.account.views import ResetPasswordView
from allauth.headless.constants import Client
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

PHONE_PATHS = (
    "app/v1/account/phone",
    "app/v1/auth/phone/verify",
    "app/v1/auth/phone/verify/resend",
)


@csrf_exempt
def not_offered(request):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def _sent_reset_key(request):
    if request.method == "GET":
        return request.headers.get("X-Password-Reset-Key")
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data.get("key") if isinstance(data, dict) else None


def _user_part_is_malformed(key) -> bool:
    """
    Checks the base 36 user id before the first "-" of ``key``; allauth checks
    the rest. Like allauth's form field, it takes any JSON value as its text.
    """
    if key in (None, "", [], {}):
        return False
    text = str(key).strip()
    return bool(text) and not re.fullmatch(r"[0-9A-Za-z]+", text.partition("-")[0].strip())


def guard_reset_key(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not account_settings.PASSWORD_RESET_BY_CODE_ENABLED and _user_part_is_malformed(
            _sent_reset_key(request)
        ):
            error = {
                "message": str(get_adapter().error_messages["invalid_password_reset"]),
                "code": "invalid_password_reset",
                "param": "key",
            }
            return JsonResponse({"status": 400, "errors": [error]}, status=400)
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    *(path(phone_path, not_offered) for phone_path in PHONE_PATHS),
    path(
        "app/v1/auth/password/reset",
        guard_reset_key(ResetPasswordView.as_api_view(client=Client.APP)),
    ),
]
