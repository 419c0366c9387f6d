"""
The admin's sign-in is limited like the storefront's (``shop.core.adminlogin``):
failed attempts per account and per address, counted with allauth's, and a
refusal that says when to try again (429 with ``Retry-After``).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "steady-lantern-5520"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def olga():
    return get_user_model().objects.create_user(
        email="olga@example.com", password=PASSWORD, is_staff=True, is_superuser=True
    )


def admin_sign_in(email, password, client=None, **extra):
    client = client or Client(**extra)
    return client, client.post(ADMIN_LOGIN, {"username": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_for_a_staff_account_lock_it_even_with_the_right_one(olga):
    answers = [admin_sign_in("olga@example.com", f"guess-{n}")[1] for n in range(40)]

    client, right = admin_sign_in("olga@example.com", PASSWORD)

    assert [answer.status_code for answer in answers[:5]] == [200] * 5
    assert {answer.status_code for answer in answers[5:]} == {429}
    assert right.status_code == 429
    assert right["Retry-After"] == "300"
    assert "Too many failed sign-ins" in right.content.decode()
    assert "Try again in 5 minutes." in right.content.decode()
    assert not signed_in(client)


def test_failed_sign_ins_from_one_address_are_limited_whatever_the_account(olga):
    for n in range(10):
        admin_sign_in(f"guess-{n}@example.com", "wrong")

    client, right = admin_sign_in("olga@example.com", PASSWORD)

    assert right.status_code == 429
    assert "Try again in" in right.content.decode()
    assert not signed_in(client)


def test_guesses_at_the_storefront_sign_in_count_against_the_admin_too(olga):
    for n in range(5):
        Client().post("/accounts/login/", {"login": "olga@example.com", "password": f"guess-{n}"})

    client, right = admin_sign_in("olga@example.com", PASSWORD)

    assert right.status_code == 429
    assert not signed_in(client)


def test_staff_who_sign_in_successfully_are_never_held_back(olga):
    client = Client()
    for _ in range(12):
        _, answer = admin_sign_in("olga@example.com", PASSWORD, client=client)
        assert answer.status_code == 302, answer.content
        client.post("/admin/logout/")

    _, after_a_typo = admin_sign_in("olga@example.com", "typo", client=client)
    _, right = admin_sign_in("olga@example.com", PASSWORD, client=client)

    assert after_a_typo.status_code == 200
    assert "correct email" in after_a_typo.content.decode()
    assert right.status_code == 302


def test_behind_a_proxy_another_clients_failures_do_not_lock_out_staff(olga, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        admin_sign_in(f"guess-{n}@example.com", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")

    client, right = admin_sign_in("olga@example.com", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert right.status_code == 302
    assert signed_in(client)
