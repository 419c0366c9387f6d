"""What other apps (and, later, other services) learn about users through shop.accounts.public."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from shop.accounts import public
from shop.accounts.models import Address
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
