"""
The admin's sign-in form, limited like the storefront's: failed attempts
are counted per client address and per account, at the rates of
``ACCOUNT_RATE_LIMITS["login_failed"]`` (10 a minute from one address, 5 in
5 minutes for one account), and a refused attempt says when to try again
(the admin answers it 429 with ``Retry-After``: ``ShopAdminSite.login``).

Where allauth runs (the shop), the form signs in through allauth's adapter,
so the admin's failures and the storefront's are one count: guesses at
``/accounts/login/``, the app API and ``/admin/login/`` draw on the same
allowance, and a password reset clears it for the admin too. Where it does
not (payments running on its own, whose staff backend asks accounts over
HTTP), the same rates are counted by ``shop.core.ratelimit`` in that
deployment's cache. Either way the address is ``client_address``'s.
"""

import math

from django.apps import apps
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from . import ratelimit

# allauth's default, for a deployment whose settings have no ACCOUNT_RATE_LIMITS.
DEFAULT_RATES = "10/m/ip,5/5m/key"
ALLAUTH_REFUSAL = "too_many_login_attempts"


def login_failed_rates() -> list[ratelimit.Rate]:
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", None) or {}
    return ratelimit.parse_rates(limits.get("login_failed", DEFAULT_RATES))


def through_allauth() -> bool:
    """Whether this deployment signs people in with allauth (the shop; not payments alone)."""
    return apps.is_installed("allauth.account")


def in_words(seconds: int) -> str:
    """``45`` → "45 seconds", ``300`` → "5 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": (
            "Too many failed sign-ins for this account or from your address. Try again in %(wait)s."
        ),
    }
    # Seconds until the next attempt is allowed, once one was refused.
    retry_after: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = self._authenticate(username, password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _authenticate(self, username: str, password: str):
        if through_allauth():
            return self._authenticate_through_allauth(username, password)
        try:
            attempt = ratelimit.consume(
                self.request,
                action="login_failed",
                rates=login_failed_rates(),
                key=username.lower(),
            )
        except ratelimit.Refused as refused:
            raise self._too_many(refused.retry_after) from None
        user = authenticate(self.request, username=username, password=password)
        if user is not None:
            attempt.rollback()  # only failures count
        return user

    def _authenticate_through_allauth(self, username: str, password: str):
        from allauth.account.adapter import get_adapter

        try:
            return get_adapter(self.request).authenticate(
                self.request, email=username, password=password
            )
        except ValidationError as error:
            if error.code != ALLAUTH_REFUSAL:
                raise
            # allauth does not say which count is full: the longest window has passed by then.
            raise self._too_many(int(max(rate.seconds for rate in login_failed_rates()))) from None

    def _too_many(self, seconds: int) -> ValidationError:
        self.retry_after = seconds
        return ValidationError(
            self.error_messages["too_many_attempts"],
            code="too_many_attempts",
            params={"wait": in_words(seconds)},
        )
