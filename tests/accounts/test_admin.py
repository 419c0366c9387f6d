"""What staff see and do with users and addresses in the admin."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from shop.accounts.models import Address, OutboxMessage
from tests.conftest import AllQueries

pytestmark = pytest.mark.django_db
User = get_user_model()

USERS = "/admin/accounts/user/"
ADDRESSES = "/admin/accounts/address/"


def listed(response) -> list[str]:
    return sorted(str(row) for row in response.context["cl"].result_list)


def customer(email: str, *, verified: bool | None = None, **fields):
    user = User.objects.create_user(email=email, password=None, **fields)
    if verified is not None:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def address(user, **fields):
    values = {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
        **fields,
    }
    return Address.objects.create(user=user, **values)


def test_searching_users_by_email_finds_the_user(admin_client):
    customer("ada@example.com")
    customer("grace@example.org")

    response = admin_client.get(USERS, {"q": "ada@exa"})

    assert listed(response) == ["ada@example.com"]


def test_searching_users_by_phone_or_name_finds_the_user(admin_client):
    customer("ada@example.com", first_name="Ada", phone="+44 20 7946 0018")
    customer("grace@example.org", first_name="Grace")

    assert listed(admin_client.get(USERS, {"q": "7946"})) == ["ada@example.com"]
    assert listed(admin_client.get(USERS, {"q": "grace"})) == ["grace@example.org"]


def test_verified_email_filter_separates_who_can_check_out(admin_client):
    customer("verified@example.com", verified=True)
    customer("pending@example.com", verified=False)
    customer("never-asked@example.com")
    changed = customer("changed@example.com")
    EmailAddress.objects.create(user=changed, email="old@example.com", verified=True)

    verified = admin_client.get(USERS, {"email_verified": "yes"})
    unverified = admin_client.get(USERS, {"email_verified": "no"})

    assert listed(verified) == ["verified@example.com"]
    assert listed(unverified) == [
        "admin@example.com",
        "changed@example.com",
        "never-asked@example.com",
        "pending@example.com",
    ]


def test_user_list_shows_whether_each_email_is_verified(admin_client):
    customer("verified@example.com", verified=True)
    customer("pending@example.com", verified=False)

    rows = admin_client.get(USERS).context["cl"].result_list

    assert {user.email: user.email_verified_flag for user in rows} == {
        "admin@example.com": False,
        "pending@example.com": False,
        "verified@example.com": True,
    }


def test_user_list_runs_the_same_number_of_queries_for_1_and_30_users(
    client, django_assert_num_queries
):
    admin = User.objects.create_superuser(email="boss@example.com")
    client.force_login(admin)
    client.get(USERS)  # the signed-in user's row is cached from here on
    with AllQueries() as with_one:
        assert len(client.get(USERS).context["cl"].result_list) == 1
    for number in range(29):
        user = customer(f"user{number}@example.com", verified=number % 2 == 0)
        address(user)

    with django_assert_num_queries(len(with_one)):
        assert len(client.get(USERS).context["cl"].result_list) == 30


def test_staff_add_a_user_with_an_email_and_a_password(admin_client, client):
    response = admin_client.post(
        f"{USERS}add/",
        {
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    assert client.login(email="new@example.com", password="a long enough passphrase")


def test_adding_a_user_whose_email_exists_in_another_case_is_refused(admin_client):
    customer("ada@example.com")

    response = admin_client.post(
        f"{USERS}add/",
        {
            "email": "ADA@example.com",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    assert response.status_code == 200
    assert "A user with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


def test_user_page_shows_the_address_book(admin_client):
    ada = customer("ada@example.com")
    address(ada, city="Marylebone")

    page = admin_client.get(f"{USERS}{ada.pk}/change/").content.decode()

    assert "Marylebone" in page
    assert "username" not in page.lower()


def test_staff_who_may_change_users_cannot_make_anyone_a_superuser(client):
    clerk = User.objects.create_user(email="clerk@example.com", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    shopper = User.objects.create_user(email="shopper@example.com")
    client.force_login(clerk)

    response = client.post(
        f"{USERS}{shopper.pk}/change/",
        {
            "email": "shopper@example.com",
            "first_name": "Shopper",
            "last_name": "",
            "phone": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    shopper.refresh_from_db()
    assert shopper.first_name == "Shopper"
    assert not shopper.is_staff
    assert not shopper.is_superuser


def test_staff_who_may_change_users_cannot_take_over_an_admin(client):
    clerk = User.objects.create_user(email="clerk@example.com", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    root = User.objects.create_superuser(email="root@example.com", password="old-secret")
    client.force_login(clerk)

    response = client.post(
        f"{USERS}{root.pk}/password/",
        {"password1": "taken-over-42", "password2": "taken-over-42", "usable_password": "true"},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("old-secret")


def test_deleting_users_in_the_admin_anonymises_them_and_tells_the_other_apps(admin_client):
    shopper = customer("gone@example.com")
    address(shopper, full_name="Gone Away")

    admin_client.post(USERS, {"action": "delete_accounts", "_selected_action": [shopper.pk]})

    shopper.refresh_from_db()
    assert shopper.email == f"deleted-{shopper.pk}@invalid"
    assert not shopper.addresses.exists()
    assert OutboxMessage.objects.filter(event_name="accounts.UserDeleted").count() == 1
    assert admin_client.get(f"{USERS}{shopper.pk}/delete/").status_code == 403


def test_moving_an_address_to_another_customer_is_not_possible(admin_client):
    home = address(customer("ada@example.com"), full_name="Ada Lovelace")

    page = admin_client.get(f"{ADDRESSES}{home.pk}/change/")

    assert "user" not in page.context["adminform"].form.fields


def test_searching_addresses_by_the_customers_email_or_postal_code(admin_client):
    address(customer("ada@example.com"), full_name="Ada Lovelace", postal_code="SW1Y 4JH")
    address(customer("grace@example.org"), full_name="Grace Hopper", postal_code="10001")

    by_email = admin_client.get(ADDRESSES, {"q": "grace@"}).context["cl"].result_list
    by_postcode = admin_client.get(ADDRESSES, {"q": "SW1Y"}).context["cl"].result_list

    assert [a.full_name for a in by_email] == ["Grace Hopper"]
    assert [a.full_name for a in by_postcode] == ["Ada Lovelace"]


def test_address_list_runs_the_same_number_of_queries_for_1_and_30_addresses(
    admin_client, django_assert_num_queries
):
    address(customer("first@example.com"))
    admin_client.get(ADDRESSES)  # the signed-in user's row is cached from here on
    with AllQueries() as with_one:
        assert len(admin_client.get(ADDRESSES).context["cl"].result_list) == 1
    for number in range(29):
        address(customer(f"user{number}@example.com"))

    with django_assert_num_queries(len(with_one)):
        assert len(admin_client.get(ADDRESSES).context["cl"].result_list) == 30
