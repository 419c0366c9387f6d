"""
What a customer sees signing up, verifying, signing in and out, and managing
their password and profile in the browser (allauth's pages in the shop's layout).
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-1843"
NEW_PASSWORD = "loud-lighthouse-2291"


def make_user(email="ada@example.com", password=PASSWORD, verified=False, **fields):
    user = get_user_model().objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def link_in(message) -> str:
    """The path of the first link to this site in a mail."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_in(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def test_sign_up_verify_sign_in_and_edit_profile(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.com"]
    assert mail.outbox[0].body.startswith("Hello from Shop!")  # the shop, not the host name
    confirm_url = link_in(mail.outbox[0])
    assert confirm_url.startswith("/accounts/confirm-email/")

    page = client.get("/accounts/")
    assert "Not verified" in page.content.decode()

    client.post("/accounts/logout/")
    assert client.post(confirm_url).status_code == 302
    assert EmailAddress.objects.get(email="grace@example.com").verified

    client.post("/accounts/logout/")
    assert sign_in(client, "grace@example.com", PASSWORD)["Location"] == "/"
    client.post(
        "/accounts/profile/", {"first_name": "Grace", "last_name": "Hopper", "phone": "+1 555 0100"}
    )

    page = client.get("/accounts/").content.decode()
    assert "Grace Hopper" in page
    assert "+1 555 0100" in page
    assert "Verified" in page and "Not verified" not in page


def test_sign_up_with_mismatched_passwords_is_refused(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not get_user_model().objects.filter(email="grace@example.com").exists()


def test_sign_up_with_an_overlong_email_is_refused_not_cut_to_fit(client):
    too_long = "a" * 250 + "@example.com"

    response = client.post(
        "/accounts/signup/", {"email": too_long, "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_in_with_a_wrong_password_fails_with_a_message(client):
    make_user()
    response = sign_in(client, "ada@example.com", "not-my-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password(client):
    make_user()
    for _attempt in range(5):
        sign_in(client, "ada@example.com", "not-my-password")
    response = sign_in(client, "ada@example.com", PASSWORD)
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_the_page_asked_for(client):
    make_user()
    to_login = client.get("/accounts/addresses/")
    assert to_login.status_code == 302
    assert to_login["Location"] == "/accounts/login/?next=/accounts/addresses/"
    response = sign_in(client, "ada@example.com", PASSWORD, next="/accounts/addresses/")
    assert response["Location"] == "/accounts/addresses/"


def test_sign_in_ignores_a_next_url_on_another_site(client):
    make_user()
    response = sign_in(client, "ada@example.com", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_header_offers_sign_in_to_visitors_and_sign_out_to_customers(client):
    make_user()
    visitor = client.get("/products/").content.decode()
    assert 'href="/accounts/signup/">Create account</a>' in visitor
    assert ">Sign in</a>" in visitor and "Sign out" not in visitor

    sign_in(client, "ada@example.com", PASSWORD)
    customer = client.get("/accounts/").content.decode()
    assert 'href="/accounts/">Your account</a>' in customer
    assert re.search(r'<form[^>]*method="post" action="/accounts/logout/"', customer)
    assert "Create account" not in customer

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_leads_to_a_new_password_that_works(client):
    make_user(verified=True)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])

    form_url = client.get(reset_url)["Location"]  # allauth hides the key behind a redirect
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert sign_in(client, "ada@example.com", PASSWORD).status_code == 200  # refused
    assert sign_in(client, "ada@example.com", NEW_PASSWORD)["Location"] == "/"


def test_password_change_needs_the_current_password(client):
    make_user()
    sign_in(client, "ada@example.com", PASSWORD)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    right = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert right.status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "ada@example.com", NEW_PASSWORD)["Location"] == "/"


def test_email_change_takes_effect_once_the_new_address_is_confirmed(client):
    user = make_user(verified=True)
    sign_in(client, "ada@example.com", PASSWORD)
    client.post("/accounts/email/", {"action_add": "", "email": "ada@lovelace.example"})
    assert mail.outbox[-1].to == ["ada@lovelace.example"]
    user.refresh_from_db()
    assert user.email == "ada@example.com"

    client.post(link_in(mail.outbox[-1]))
    user.refresh_from_db()
    assert user.email == "ada@lovelace.example"
    client.post("/accounts/logout/")
    assert sign_in(client, "ada@lovelace.example", PASSWORD)["Location"] == "/"


def test_verify_email_page_explains_why_and_resends_the_mail(client):
    make_user()
    sign_in(client, "ada@example.com", PASSWORD)
    page = client.get("/accounts/verify-email/").content.decode()
    assert "Before you place an order" in page
    assert "ada@example.com" in page

    response = client.post("/accounts/verify-email/", follow=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert link_in(mail.outbox[0]).startswith("/accounts/confirm-email/")
    assert "Confirmation email sent to ada@example.com" in response.content.decode()


def test_verify_email_page_does_not_resend_again_straight_away(client):
    make_user()
    sign_in(client, "ada@example.com", PASSWORD)
    client.post("/accounts/verify-email/")
    response = client.post("/accounts/verify-email/", follow=True)
    assert len(mail.outbox) == 1
    assert "a moment ago" in response.content.decode()


def test_verify_email_page_tells_a_verified_customer_to_carry_on(client):
    make_user(verified=True)
    sign_in(client, "ada@example.com", PASSWORD)
    response = client.get("/accounts/verify-email/?next=/checkout/")
    page = response.content.decode()
    assert "Your email address is verified" in page
    assert 'href="/checkout/"' in page
    client.post("/accounts/verify-email/")
    assert mail.outbox == []


def test_account_pages_need_a_signed_in_customer(client):
    for url in ("/accounts/", "/accounts/profile/", "/accounts/verify-email/", "/accounts/delete/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_sign_in_page_is_part_of_the_shop(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'class="site-header"' in page
    assert "shop/css/shop.css" in page
    assert 'class="auth-form auth-entrance' in page


def test_profile_rejects_an_overlong_phone_number(client):
    make_user()
    sign_in(client, "ada@example.com", PASSWORD)
    response = client.post(
        "/accounts/profile/", {"first_name": "Ada", "last_name": "", "phone": "1" * 40}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 32 characters" in response.content.decode()
    assert get_user_model().objects.get(email="ada@example.com").phone == ""


def test_confirming_an_address_another_account_signs_in_with_changes_neither_account(client):
    """Mallory adds Ada's address; Ada, puzzled, clicks the link: no takeover, no error page."""
    ada = make_user("ada@example.com", verified=False)
    mallory = make_user("mallory@example.com", verified=True)
    sign_in(client, "mallory@example.com", PASSWORD)
    client.post("/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    confirm_url = link_in(mail.outbox[-1])
    client.post("/accounts/logout/")

    response = client.post(confirm_url, follow=True)

    assert response.status_code == 200
    assert "ada@example.com could not be confirmed: another account signs in with it" in (
        response.content.decode()
    )
    mallory.refresh_from_db()
    ada.refresh_from_db()
    assert (mallory.email, ada.email) == ("mallory@example.com", "ada@example.com")
    assert not EmailAddress.objects.filter(user=mallory, email="ada@example.com", verified=True)
    assert sign_in(client, "ada@example.com", PASSWORD)["Location"] == "/"
