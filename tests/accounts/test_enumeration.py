"""
What the shop tells about whether an email address has an account
(docs/decisions/0018-what-sign-up-and-password-reset-tell.md): password
reset and adding an address never say; sign-up does (``email_taken``), the
one answer allauth cannot hide while a new customer may sign in before
confirming, and probing it is held to the sign-up limit per client address.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Analytical-Engine-1843"


def post(url, data, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(**extra).post(url, data, content_type="application/json", **headers)


@pytest.fixture
def ada():
    return get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)


def test_enumeration_prevention_is_on_and_never_strict():
    # "strict" would sign a second account up under a taken address: the
    # user table's unique email would answer that with a server error.
    assert settings.ACCOUNT_PREVENT_ENUMERATION is True


def test_a_failed_sign_in_answers_the_same_for_an_address_with_or_without_an_account(ada):
    def page(email):
        answer = Client().post("/accounts/login/", {"login": email, "password": "wrong"})
        return answer.status_code, "are not correct" in answer.content.decode()

    def app(email):
        answer = post("/_allauth/app/v1/auth/login", {"email": email, "password": "wrong"})
        return answer.status_code, answer.content

    assert page("ada@example.com") == page("nobody@example.com") == (200, True)
    assert app("ada@example.com") == app("nobody@example.com")


def test_a_password_reset_answers_the_same_for_an_address_with_or_without_an_account(ada):
    known = Client().post("/accounts/password/reset/", {"email": "ada@example.com"})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    known_app = post("/_allauth/app/v1/auth/password/request", {"email": "ada@example.com"})
    unknown_app = post("/_allauth/app/v1/auth/password/request", {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert (known_app.status_code, known_app.content) == (
        unknown_app.status_code,
        unknown_app.content,
    )
    # Each address's owner hears of it in their mailbox, where only they can read it.
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert sent == [
        ("ada@example.com", "[Shop] Password Reset Email"),
        ("ada@example.com", "[Shop] Password Reset Email"),
        ("nobody@example.com", "[Shop] Unknown Account"),
        ("nobody@example.com", "[Shop] Unknown Account"),
    ]


def test_adding_an_address_that_belongs_to_someone_else_does_not_say_so(ada):
    token = post(
        "/_allauth/app/v1/auth/signup", {"email": "grace@example.com", "password": PASSWORD}
    )
    token = token.json()["meta"]["access_token"]

    taken = post("/_allauth/app/v1/account/email", {"email": "ada@example.com"}, token)
    free = post("/_allauth/app/v1/account/email", {"email": "free@example.com"}, token)

    assert taken.status_code == free.status_code == 200
    assert "email_taken" not in taken.content.decode()


def test_signing_up_with_a_taken_address_says_so_and_changes_nothing(ada):
    browser = Client().post(
        "/accounts/signup/",
        {"email": "ADA@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    app = post("/_allauth/app/v1/auth/signup", {"email": "ada@example.com", "password": PASSWORD})

    assert browser.status_code == 200
    assert "A user is already registered with this email address." in browser.content.decode()
    assert app.status_code == 400
    assert app.json()["errors"][0]["code"] == "email_taken"
    assert get_user_model().objects.count() == 1
    assert not mail.outbox


def test_probing_sign_up_for_taken_addresses_is_held_to_the_sign_up_limit(ada):
    probes = [
        post(
            "/_allauth/app/v1/auth/signup",
            {"email": f"guess-{n}@example.com" if n % 2 else "ada@example.com", "password": "x"},
        ).status_code
        for n in range(20)
    ]

    refused = post("/_allauth/app/v1/auth/signup", {"email": "ada@example.com", "password": "x"})
    browser = Client().post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert 429 not in probes
    assert refused.status_code == 429
    assert "email_taken" not in refused.content.decode()
    assert browser.status_code == 429  # the same count, page or app
