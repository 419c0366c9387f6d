"""
A customer deletes their account: it takes their password, signs them out,
anonymises them for good and tells the other apps (accounts.UserDeleted).
"""

from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from shop.accounts.errors import StaffAccountNotDeletable
from shop.accounts.events import UserDeleted
from shop.accounts.models import Address, OutboxMessage, User
from shop.accounts.services import addresses, deletion
from shop.core.events import from_payload

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-1843"
LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


@pytest.fixture
def ada():
    user = get_user_model().objects.create_user(
        email="ada@example.com",
        password=PASSWORD,
        first_name="Ada",
        last_name="Lovelace",
        phone="+44 20 7946 0000",
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    addresses.add_address(user.pk, **LONDON)
    return user


@pytest.fixture
def ada_client(client, ada):
    response = client.post("/accounts/login/", {"login": ada.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def deletion_events():
    return list(OutboxMessage.objects.filter(event_name="accounts.UserDeleted"))


def test_deletion_page_warns_what_is_lost(ada_client):
    page = ada_client.get("/accounts/delete/").content.decode()
    assert "cannot be undone" in page
    assert 'type="password"' in page


def test_a_wrong_password_deletes_nothing(ada_client, ada):
    response = ada_client.post("/accounts/delete/", {"password": "not-my-password"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    ada.refresh_from_db()
    assert ada.is_active and ada.email == "ada@example.com"
    assert Address.objects.filter(user=ada).exists()
    assert deletion_events() == []


def test_deleting_the_account_anonymises_the_customer_and_signs_them_out(ada_client, ada):
    response = ada_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Your account has been deleted" in response.content.decode()
    assert "_auth_user_id" not in ada_client.session

    ada.refresh_from_db()
    assert ada.email == f"deleted-{ada.pk}@invalid"
    assert (ada.first_name, ada.last_name, ada.phone) == ("", "", "")
    assert not ada.is_active
    assert not ada.has_usable_password()
    assert not Address.objects.filter(user=ada).exists()
    assert not EmailAddress.objects.filter(user=ada).exists()


def test_deleting_the_account_publishes_user_deleted_without_personal_data(ada_client, ada):
    ada_client.post("/accounts/delete/", {"password": PASSWORD})
    [message] = deletion_events()
    assert message.event_version == 1
    assert set(message.payload) == {"user_id", "deleted_at"}
    event = from_payload(UserDeleted, message.payload)
    assert event.user_id == ada.pk
    assert isinstance(event.deleted_at, datetime)
    assert "ada" not in str(message.payload)


def test_a_deleted_customer_can_no_longer_sign_in(ada_client, ada, client):
    ada_client.post("/accounts/delete/", {"password": PASSWORD})
    response = client.post("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_freed_email_address_can_sign_up_again(ada_client, ada, client):
    ada_client.post("/accounts/delete/", {"password": PASSWORD})
    client.post(
        "/accounts/signup/",
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    newcomer = get_user_model().objects.get(email="ada@example.com")
    assert newcomer.pk != ada.pk


def test_deleting_twice_publishes_once(ada):
    deletion.delete_account(ada.pk)
    deletion.delete_account(ada.pk)
    assert len(deletion_events()) == 1


def test_a_staff_account_cannot_be_deleted_from_the_account_page(client):
    staff = get_user_model().objects.create_user(
        email="staff@example.com", password=PASSWORD, is_staff=True
    )
    client.force_login(staff)
    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert "ask an administrator" in response.content.decode()
    staff.refresh_from_db()
    assert staff.is_active and staff.email == "staff@example.com"
    with pytest.raises(StaffAccountNotDeletable):
        deletion.delete_account(staff.pk)
    assert deletion_events() == []


def test_password_guesses_on_the_deletion_page_are_rate_limited(ada_client, ada):
    for _guess in range(10):
        ada_client.post("/accounts/delete/", {"password": "not-my-password"})
    response = ada_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    ada.refresh_from_db()
    assert ada.is_active
    assert deletion_events() == []


def test_the_admin_history_no_longer_names_a_deleted_customer():
    shopper = User.objects.create_user(email="pii@example.com", password="x")
    clerk = User.objects.create_user(email="clerk@example.com", is_staff=True)
    LogEntry.objects.create(
        user=clerk,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(shopper.pk),
        object_repr=str(shopper),
        action_flag=CHANGE,
        change_message="Changed email.",
    )

    deletion.delete_account(shopper.pk)

    assert not LogEntry.objects.filter(object_repr__contains="pii@").exists()
