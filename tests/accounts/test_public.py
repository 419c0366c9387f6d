"""What other apps (and, later, other services) learn about users through shop.accounts.public."""

import dataclasses
from dataclasses import asdict

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from shop.accounts import public
from shop.accounts.models import Address
from shop.accounts.roles import ORDER_MANAGERS, ROLES
from shop.accounts.services import addresses as address_book
from shop.accounts.services import deletion
from shop.core.errors import ShopError
from tests.api.dataset import access_token as log_in_for_token

pytestmark = pytest.mark.django_db

PASSWORD = "Analytical-Engine-1843"


def make_user(email: str, **fields):
    return get_user_model().objects.create_user(email=email, password=PASSWORD, **fields)


def make_address(user, **fields) -> Address:
    values = {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
        **fields,
    }
    return Address.objects.create(user=user, **values)


def access_token(email: str) -> str:
    return log_in_for_token(email, PASSWORD)


def test_user_info_says_whether_the_primary_email_is_verified():
    ada = make_user("ada@example.com", first_name="Ada", last_name="Lovelace")
    email = EmailAddress.objects.create(user=ada, email=ada.email, primary=True, verified=False)

    assert public.get_user(ada.pk) == public.UserInfo(
        id=ada.pk,
        email="ada@example.com",
        full_name="Ada Lovelace",
        is_active=True,
        is_staff=False,
        email_verified=False,
    )

    email.verified = True
    email.save()
    assert public.get_user(ada.pk).email_verified is True


def test_a_verified_address_that_is_not_the_primary_one_does_not_count():
    ada = make_user("ada@example.com")
    EmailAddress.objects.create(user=ada, email=ada.email, primary=True, verified=False)
    EmailAddress.objects.create(user=ada, email="old@example.com", primary=False, verified=True)

    assert public.get_user(ada.pk).email_verified is False


def test_get_users_fetches_many_users_in_one_query_and_leaves_out_unknown_ids(
    django_assert_num_queries,
):
    ada, grace = make_user("ada@example.com"), make_user("grace@example.com")

    with django_assert_num_queries(1):
        users = public.get_users([ada.pk, grace.pk, 987654])

    assert {user_id: user.email for user_id, user in users.items()} == {
        ada.pk: "ada@example.com",
        grace.pk: "grace@example.com",
    }
    assert all(isinstance(user, public.UserInfo) for user in users.values())
    assert public.get_users([]) == {}


def test_a_user_and_their_address_book_are_read_together_in_one_query(
    django_assert_num_queries,
):
    ada = make_user("ada@example.com", first_name="Ada", last_name="Lovelace")
    EmailAddress.objects.create(user=ada, email=ada.email, primary=True, verified=True)
    grace = make_user("grace@example.com")
    make_address(grace)
    older = make_address(ada, line1="1 Other Street")
    newer = make_address(ada, line1="2 Other Street")
    home = make_address(ada, is_default=True)

    with django_assert_num_queries(1):
        user, book = public.get_user_with_addresses(ada.pk)

    assert user == public.get_user(ada.pk)
    assert user.email_verified is True
    assert book == public.get_addresses(ada.pk)
    assert [address.id for address in book] == [home.pk, newer.pk, older.pk]
    assert public.get_user_with_addresses(grace.pk)[1] == public.get_addresses(grace.pk)


def test_a_user_without_addresses_has_an_empty_book_and_an_unknown_user_is_not_found():
    ada = make_user("ada@example.com")

    assert public.get_user_with_addresses(ada.pk) == (public.get_user(ada.pk), ())
    with pytest.raises(public.UserNotFound):
        public.get_user_with_addresses(987654)


def test_default_address_is_plain_data_with_the_country_code():
    ada = make_user("ada@example.com")
    assert public.get_default_address(ada.pk) is None

    make_address(ada, line1="1 Other Street")
    home = make_address(ada, is_default=True)

    default = public.get_default_address(ada.pk)
    assert default == public.AddressInfo(
        id=home.pk,
        full_name="Ada Lovelace",
        line1="12 St James's Square",
        line2="",
        city="London",
        postal_code="SW1Y 4JH",
        region="",
        country="GB",
        phone="",
        is_default=True,
    )
    assert type(default.country) is str


def test_a_chosen_address_is_found_only_in_its_owners_address_book():
    ada, grace = make_user("ada@example.com"), make_user("grace@example.com")
    graces = make_address(grace, city="Arlington")

    assert public.get_address(grace.pk, graces.pk).city == "Arlington"
    with pytest.raises(public.AddressNotFound) as refused:
        public.get_address(ada.pk, graces.pk)
    assert refused.value.status_code == 404


def test_authenticate_token_returns_the_tokens_user():
    ada = make_user("ada@example.com")

    user = public.authenticate_token(access_token("ada@example.com"))

    assert isinstance(user, public.UserInfo)
    assert (user.id, user.email) == (ada.pk, "ada@example.com")


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "Bearer x"])
def test_authenticate_token_rejects_garbage_with_a_401_code(token):
    with pytest.raises(public.InvalidToken) as refused:
        public.authenticate_token(token)

    assert isinstance(refused.value, ShopError)
    assert (refused.value.status_code, refused.value.code) == (401, "invalid_token")


def test_authenticate_token_rejects_the_token_of_a_deactivated_user():
    ada = make_user("ada@example.com")
    token = access_token("ada@example.com")
    ada.is_active = False
    ada.save()

    with pytest.raises(public.InvalidToken):
        public.authenticate_token(token)


def test_authenticate_token_rejects_a_refresh_token():
    make_user("ada@example.com")
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": "ada@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    refresh_token = response.json()["meta"]["refresh_token"]

    with pytest.raises(public.InvalidToken):
        public.authenticate_token(refresh_token)


def test_an_address_book_entry_is_a_postal_address_with_its_id():
    ada = make_user("ada@example.com")
    home = make_address(ada, is_default=True)

    address = public.get_address(ada.pk, home.pk)

    assert isinstance(address, public.PostalAddress)
    assert (address.id, address.is_default, address.full_name) == (home.pk, True, "Ada Lovelace")
    assert asdict(address) == {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "line2": "",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "region": "",
        "country": "GB",
        "phone": "",
        "id": home.pk,
        "is_default": True,
    }


def test_address_fields_describe_what_the_address_book_stores_in_display_order():
    fields = public.address_fields()

    assert [field.name for field in fields] == [
        field.name for field in dataclasses.fields(public.PostalAddress)
    ]
    by_name = {field.name: field for field in fields}
    assert by_name["full_name"] == public.AddressField(
        name="full_name", label="Full name", max_length=150, required=True, kind="text"
    )
    assert by_name["line2"] == public.AddressField(
        name="line2", label="Address line 2", max_length=200, required=False, kind="text"
    )
    assert by_name["country"].kind == "country"
    assert by_name["country"].required
    assert {field.name for field in fields if field.required} == {
        "full_name",
        "line1",
        "city",
        "postal_code",
        "country",
    }
    assert [(field.name, field.max_length) for field in fields] == [
        (field.name, Address._meta.get_field(field.name).max_length) for field in fields
    ]


def test_validate_address_normalises_a_typed_in_address():
    address = public.validate_address(
        {
            "full_name": "  Ada Lovelace ",
            "line1": "12 St James's Square",
            "city": "London",
            "postal_code": " SW1Y 4JH",
            "country": "gb",
        }
    )

    assert address == public.PostalAddress(
        full_name="Ada Lovelace",
        line1="12 St James's Square",
        line2="",
        city="London",
        postal_code="SW1Y 4JH",
        region="",
        country="GB",
        phone="",
    )


def test_validate_address_refuses_what_the_address_book_refuses_with_the_same_messages():
    ada = make_user("ada@example.com")
    typed = {
        "full_name": "",
        "line1": "x" * 201,
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "XX",
        "colour": "blue",
    }

    with pytest.raises(public.InvalidAddress) as refused:
        public.validate_address(typed)
    with pytest.raises(public.InvalidAddress) as refused_by_the_book:
        address_book.add_address(ada.pk, **typed)

    errors = refused.value.extra["errors"]
    assert (refused.value.status_code, refused.value.code) == (400, "invalid_address")
    assert errors == {"colour": ["Unknown field."]}
    assert refused_by_the_book.value.extra["errors"] == errors

    del typed["colour"]
    with pytest.raises(public.InvalidAddress) as refused:
        public.validate_address(typed)
    with pytest.raises(public.InvalidAddress) as refused_by_the_book:
        address_book.add_address(ada.pk, **typed)

    assert set(refused.value.extra["errors"]) == {"full_name", "line1", "country"}
    assert refused.value.extra["errors"] == refused_by_the_book.value.extra["errors"]
    assert not Address.objects.exists()


def test_validate_address_counts_a_missing_field_as_empty():
    with pytest.raises(public.InvalidAddress) as refused:
        public.validate_address({"full_name": "Ada Lovelace", "country": "GB"})

    assert set(refused.value.extra["errors"]) == {"line1", "city", "postal_code"}


def test_a_deleted_account_has_the_deleted_user_email_and_only_it_counts_as_deleted():
    ada = make_user("ada@example.com")

    deletion.delete_account(ada.pk)

    ada.refresh_from_db()
    assert ada.email == public.deleted_user_email(ada.pk) == f"deleted-{ada.pk}@invalid"
    assert public.is_deleted_user_email(ada.email)
    assert not public.is_deleted_user_email("ada@example.com")
    assert not public.is_deleted_user_email("deleted-ada@invalid")
    assert not public.is_deleted_user_email(f"deleted-{ada.pk}@invalid.example.com")


def test_a_member_of_staff_signing_in_elsewhere_gets_their_roles_permissions_by_name():
    olga = make_user("olga@example.com", is_staff=True, first_name="Olga")
    olga.groups.add(Group.objects.get(name=ORDER_MANAGERS))

    staff = public.authenticate_staff("olga@example.com", PASSWORD)

    assert (staff.id, staff.email, staff.full_name, staff.is_superuser) == (
        olga.pk,
        "olga@example.com",
        "Olga",
        False,
    )
    assert "payments.add_refund" in staff.permissions
    assert set(ROLES[ORDER_MANAGERS]) <= set(staff.permissions)
    assert "catalog.change_product" not in staff.permissions


@pytest.mark.parametrize(
    "email, password, fields",
    [
        ("olga@example.com", "not-the-password", {"is_staff": True}),
        ("olga@example.com", PASSWORD, {"is_staff": False}),
        ("olga@example.com", PASSWORD, {"is_staff": True, "is_active": False}),
        ("nobody@example.com", PASSWORD, {"is_staff": True}),
        ("olga@example.com", None, {"is_staff": True}),
    ],
    ids=["wrong-password", "customer", "deactivated", "unknown", "no-password"],
)
def test_staff_sign_in_elsewhere_is_refused_without_saying_why(email, password, fields):
    make_user("olga@example.com", **fields)

    with pytest.raises(public.InvalidCredentials) as refused:
        public.authenticate_staff(email, password)

    assert (refused.value.status_code, refused.value.code) == (401, "invalid_credentials")


@pytest.mark.parametrize("typed", ["GB", "gb", "GBR"])
def test_validate_address_takes_a_country_code_in_any_case_or_of_three_letters(typed):
    address = public.validate_address(
        {
            "full_name": "Ada",
            "line1": "1 St",
            "city": "London",
            "postal_code": "N1",
            "country": typed,
        }
    )

    assert address.country == "GB"
