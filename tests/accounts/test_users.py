"""People sign in with their email address; the first admin comes from one command."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from shop.accounts import public

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_user_signs_in_with_their_email_in_any_letter_case():
    User.objects.create_user(email="Ada@Example.com", password="correct horse")

    assert authenticate(email="ada@example.com", password="correct horse") is not None
    assert authenticate(email="ADA@EXAMPLE.COM", password="wrong") is None


def test_two_accounts_cannot_share_an_email_differing_only_in_case():
    User.objects.create_user(email="ada@example.com", password="x")

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ADA@example.com", password="y")


def test_demo_admin_command_prints_a_login_that_opens_the_admin(client, capsys, settings):
    settings.DEBUG = True
    call_command("create_demo_admin")
    call_command("create_demo_admin")

    assert "admin@example.com / admin" in capsys.readouterr().out
    assert User.objects.filter(email="admin@example.com", is_superuser=True).count() == 1
    assert client.login(email="admin@example.com", password="admin")
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 200
    assert client.get("/admin/orders/outboxmessage/").status_code == 200


def test_demo_admin_with_a_known_password_is_refused_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("create_demo_admin")
    assert not User.objects.exists()


def test_demo_admin_counts_as_verified_so_it_can_check_out(settings):
    settings.DEBUG = True
    call_command("create_demo_admin")
    call_command("create_demo_admin")

    admin = User.objects.get(email="admin@example.com")
    assert public.get_user(admin.pk).email_verified
