"""
An API client (a mobile app, an integration) signs up, confirms its email,
logs in through allauth's headless app endpoints and calls the shop API with
the JWT access token it gets; a browser uses its session instead.
"""

import re
import time
from unittest import mock

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

SIGNUP = "/_allauth/app/v1/auth/signup"
LOGIN = "/_allauth/app/v1/auth/login"
VERIFY_EMAIL = "/_allauth/app/v1/auth/email/verify"
SESSION = "/_allauth/app/v1/auth/session"
REFRESH = "/_allauth/app/v1/tokens/refresh"
ME = "/api/v1/accounts/me/"
PASSWORD = "Analytical-Engine-1843"


def post(url, data, token=None):
    return Client().post(url, data, content_type="application/json", **bearer(token))


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def get_me(token):
    return Client().get(ME, **bearer(token))


def patch_me(token, data):
    return Client().patch(ME, data, content_type="application/json", **bearer(token))


def log_in(email="ada@example.com", password=PASSWORD) -> dict:
    response = post(LOGIN, {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def verification_key(email: str) -> str:
    """The key of the confirmation link in the last mail sent to ``email``."""
    message = [message for message in mail.outbox if email in message.to][-1]
    return re.search(r"/confirm-email/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def ada():
    return get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)


def test_app_signs_up_confirms_its_email_logs_in_and_edits_the_profile_with_its_token():
    signup = post(SIGNUP, {"email": "ada@example.com", "password": PASSWORD})

    assert signup.status_code == 200, signup.content
    first_token = signup.json()["meta"]["access_token"]
    assert get_me(first_token).json()["email_verified"] is False

    key = verification_key("ada@example.com")
    verified = post(VERIFY_EMAIL, {"key": key}, token=first_token)
    assert verified.status_code == 200, verified.content

    access_token = log_in()["access_token"]
    me = get_me(access_token)
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["email_verified"] is True

    changed = patch_me(access_token, {"first_name": "Ada", "phone": "+44 20 7946 0958"})
    assert changed.status_code == 200, changed.content
    profile = get_me(access_token).json()
    assert (profile["first_name"], profile["last_name"], profile["phone"]) == (
        "Ada",
        "",
        "+44 20 7946 0958",
    )


def test_a_wrong_password_is_refused_without_a_token(ada):
    response = post(LOGIN, {"email": "ada@example.com", "password": "wrong password"})

    assert response.status_code in (400, 401)
    assert "access_token" not in response.content.decode()
    assert response.json()["errors"][0]["code"] == "email_password_mismatch"


def test_repeated_wrong_passwords_lock_that_email_out_even_with_the_right_password(ada):
    wrong = {"email": "ada@example.com", "password": "wrong password"}
    assert [post(LOGIN, wrong).status_code for _ in range(5)] == [400] * 5

    locked = post(LOGIN, {"email": "ada@example.com", "password": PASSWORD})

    assert locked.status_code == 400, locked.content
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert "access_token" not in locked.content.decode()


def test_anonymous_calls_answer_401_naming_the_bearer_scheme():
    response = get_me(None)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_forged_token_is_refused(ada):
    token = log_in()["access_token"]
    header, payload, signature = token.split(".")

    response = get_me(f"{header}.{payload}.{signature[::-1]}")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_expired_access_token_is_refused_and_the_refresh_token_gets_a_working_one(ada, settings):
    settings.HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = 300
    issued_at = time.time() - 301
    with mock.patch("allauth.headless.tokens.strategies.jwt.internal.time") as clock:
        clock.time.return_value = issued_at
        tokens = log_in()

    expired = get_me(tokens["access_token"])
    assert expired.status_code == 401
    assert expired.json()["code"] == "authentication_failed"

    refreshed = post(REFRESH, {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()["data"]
    assert get_me(new["access_token"]).status_code == 200

    # Refresh tokens rotate: the one just used is spent, the new one works.
    assert post(REFRESH, {"refresh_token": tokens["refresh_token"]}).status_code == 400
    assert post(REFRESH, {"refresh_token": new["refresh_token"]}).status_code == 200


def test_after_logout_the_access_and_refresh_tokens_stop_working(ada):
    tokens = log_in()
    assert get_me(tokens["access_token"]).status_code == 200

    logout = Client().delete(SESSION, **bearer(tokens["access_token"]))

    assert logout.status_code == 401  # allauth: "you are now unauthenticated"
    assert get_me(tokens["access_token"]).status_code == 401
    assert post(REFRESH, {"refresh_token": tokens["refresh_token"]}).status_code == 400


def test_a_browser_session_reads_the_profile_but_needs_the_csrf_token_to_change_it(ada):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    csrf_token = browser.cookies["csrftoken"].value
    browser.force_login(ada)

    assert browser.get(ME).json()["email"] == "ada@example.com"

    forged = browser.patch(ME, {"first_name": "Eve"}, content_type="application/json")
    assert forged.status_code == 403
    assert forged.json()["code"] == "permission_denied"
    ada.refresh_from_db()
    assert ada.first_name == ""

    honest = browser.patch(
        ME, {"first_name": "Ada"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_token
    )
    assert honest.status_code == 200, honest.content
    ada.refresh_from_db()
    assert ada.first_name == "Ada"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/_allauth/app/v1/account/phone"),
        ("post", "/_allauth/app/v1/account/phone"),
        ("post", "/_allauth/app/v1/auth/phone/verify"),
        ("post", "/_allauth/app/v1/auth/phone/verify/resend"),
    ],
)
def test_phone_number_endpoints_are_not_offered_to_a_signed_in_app(ada, method, url):
    """allauth serves them, but this shop signs in by email: they were server errors."""
    token = log_in()["access_token"]

    response = getattr(Client(), method)(url, {}, content_type="application/json", **bearer(token))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


RESET_PASSWORD = "/_allauth/app/v1/auth/password/reset"


@pytest.mark.parametrize("key", ["-1x7-d1a11z1sa", " -abc", "1\x00-abc", -9.1e125])
def test_a_password_reset_key_without_a_proper_user_part_is_refused_as_invalid(key):
    """allauth failed on such a key with a server error."""
    checked = Client().get(RESET_PASSWORD, HTTP_X_PASSWORD_RESET_KEY=key)
    reset = post(RESET_PASSWORD, {"key": key, "password": "A-new-password-1843"})

    for response in (checked, reset):
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_password_reset"


def test_an_app_resets_a_password_with_the_key_from_the_mail(ada):
    key = f"{user_pk_to_url_str(ada)}-{default_token_generator.make_token(ada)}"

    assert Client().get(RESET_PASSWORD, HTTP_X_PASSWORD_RESET_KEY=key).status_code == 200
    post(RESET_PASSWORD, {"key": key, "password": "A-new-password-1843"})

    assert log_in(password="A-new-password-1843")["access_token"]


def test_an_app_signing_up_with_an_overlong_email_gets_a_400_and_no_account():
    response = post(
        "/_allauth/app/v1/auth/signup",
        {"email": "a" * 250 + "@example.com", "password": PASSWORD},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "email"
    assert not get_user_model().objects.exists()


def _user_row_reads(queries) -> int:
    return sum('FROM "accounts_user"' in query["sql"] for query in queries)


def test_an_api_call_with_a_token_reads_the_users_row_from_the_cache_after_the_first():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)
    token = log_in()["access_token"]
    assert Client().get("/api/v1/cart/", **bearer(token)).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        cart = Client().get("/api/v1/cart/", **bearer(token))

    assert cart.status_code == 200
    assert _user_row_reads(queries.captured_queries) == 0


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.set_password("Difference-Engine-1822"), id="new password"),
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
    ],
)
def test_a_token_stops_working_at_once_when_its_user_changes_password_or_is_deactivated(
    ada, change
):
    token = log_in()["access_token"]
    assert get_me(token).status_code == 200

    change(ada)
    ada.save()

    assert get_me(token).status_code == 401


def test_a_token_of_a_deleted_user_stops_working_at_once(ada):
    token = log_in()["access_token"]
    assert get_me(token).status_code == 200

    ada.delete()

    assert get_me(token).status_code == 401


def test_a_token_is_checked_with_its_session_and_user_in_one_cache_round_trip(ada):
    from django.core.cache import caches

    from shop.accounts import signed_in

    token = log_in()["access_token"]
    assert get_me(token).status_code == 200  # the user's row is in the cache now
    default = caches["default"]
    round_trips = []
    inside = []

    def counted(method):
        def call(*args, **kwargs):
            if not inside:
                round_trips.append(method.__name__)
            inside.append(1)
            try:
                return method(*args, **kwargs)
            finally:
                inside.pop()

        return call

    with (
        mock.patch.object(default, "get", counted(default.get)),
        mock.patch.object(default, "get_many", counted(default.get_many)),
    ):
        user, payload = signed_in.validate_access_token(token)

    assert user.pk == ada.pk and payload["sub"] == str(ada.pk)
    assert round_trips == ["get_many"]


def test_a_token_that_worked_is_refused_once_it_expires(ada, settings):
    settings.HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = 300
    expires_at = time.time() + 3
    with mock.patch("allauth.headless.tokens.strategies.jwt.internal.time") as clock:
        clock.time.return_value = expires_at - 300
        token = log_in()["access_token"]
    assert get_me(token).status_code == 200

    time.sleep(max(0, expires_at - time.time()) + 0.2)

    assert get_me(token).status_code == 401
