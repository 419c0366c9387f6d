"""The profile and address book as an API client sees them, under /api/v1/accounts/."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from shop.accounts.models import Address
from shop.accounts.services import addresses as address_book
from tests.api.contract import assert_documented

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me/"
ADDRESSES = "/api/v1/accounts/addresses/"
LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def make_user(email: str):
    return get_user_model().objects.create_user(email=email)


def make_address(user, **fields) -> Address:
    values = {**LONDON, **fields}
    return Address.objects.create(user=user, **values)


def address_url(address_id: int) -> str:
    return f"{ADDRESSES}{address_id}/"


@pytest.fixture
def ada():
    return make_user("ada@example.com")


@pytest.fixture
def api(ada):
    client = APIClient()
    client.force_authenticate(ada)
    return client


def test_anonymous_callers_get_401_with_a_code_for_profile_and_address_book():
    anonymous = APIClient()

    for response in (anonymous.get(ME), anonymous.get(ADDRESSES), anonymous.post(ADDRESSES, {})):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_profile_shows_the_callers_details(api, ada):
    body = api.get(ME).json()

    assert body["email"] == "ada@example.com"
    assert body["email_verified"] is False
    assert body["date_joined"]


def test_profile_change_keeps_the_email_address(api, ada):
    response = api.patch(ME, {"last_name": "Lovelace", "email": "eve@example.com"})

    assert response.status_code == 200, response.content
    assert response.json()["last_name"] == "Lovelace"
    ada.refresh_from_db()
    assert (ada.email, ada.last_name) == ("ada@example.com", "Lovelace")


def test_a_too_long_phone_number_is_refused_per_field(api, ada):
    response = api.patch(ME, {"phone": "0" * 40})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "phone" in response.json()
    ada.refresh_from_db()
    assert ada.phone == ""


def test_added_address_appears_in_the_address_book(api):
    created = api.post(ADDRESSES, {**LONDON, "country": "gb", "line2": "Flat 2"})

    assert created.status_code == 201, created.content
    assert created.json()["country"] == "GB"
    assert created.json()["is_default"] is True  # the first address is the default
    listed = api.get(ADDRESSES).json()
    assert listed["count"] == 1
    assert listed["results"][0] == created.json()


def test_a_full_address_book_refuses_another_address_and_keeps_the_others(api, settings):
    settings.ACCOUNTS_MAX_ADDRESSES = 2
    for _ in range(2):
        assert api.post(ADDRESSES, LONDON).status_code == 201

    refused = api.post(ADDRESSES, LONDON)

    assert refused.status_code == 409
    assert refused.json()["code"] == "address_book_full"
    assert refused.json()["limit"] == 2
    assert_documented(refused, "post", "/api/v1/accounts/addresses/")
    assert api.get(ADDRESSES).json()["count"] == 2


def test_an_unknown_country_is_refused(api):
    response = api.post(ADDRESSES, {**LONDON, "country": "XX"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "country" in response.json()
    assert not Address.objects.exists()


def test_missing_required_address_fields_are_named(api):
    response = api.post(ADDRESSES, {"full_name": "Ada Lovelace"})

    assert response.status_code == 400
    assert {"line1", "city", "postal_code", "country"} <= response.json().keys()


def test_address_can_be_read_replaced_changed_and_deleted(api, ada):
    address = make_address(ada)
    url = address_url(address.pk)

    assert api.get(url).json()["city"] == "London"

    replaced = api.put(url, {**LONDON, "city": "Cambridge", "postal_code": "CB2 1TN"})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["city"] == "Cambridge"

    changed = api.patch(url, {"line2": "Room 3"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["city"], changed.json()["line2"]) == ("Cambridge", "Room 3")

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert not Address.objects.filter(pk=address.pk).exists()


def test_making_an_address_the_default_unsets_the_previous_default(api, ada):
    home = make_address(ada, is_default=True)
    work = make_address(ada, line1="1 Work Street")

    response = api.post(f"{address_url(work.pk)}default/")

    assert response.status_code == 200, response.content
    assert response.json()["is_default"] is True
    home.refresh_from_db()
    work.refresh_from_db()
    assert (home.is_default, work.is_default) == (False, True)
    assert [item["id"] for item in api.get(ADDRESSES).json()["results"]] == [work.pk, home.pk]


def test_someone_elses_address_is_not_found_and_stays_unchanged(api):
    grace = make_user("grace@example.com")
    theirs = make_address(grace, is_default=True)
    url = address_url(theirs.pk)

    responses = [
        api.get(url),
        api.put(url, {**LONDON, "city": "Paris"}),
        api.patch(url, {"city": "Paris"}),
        api.post(f"{url}default/"),
        api.delete(url),
    ]

    for response in responses:
        assert response.status_code == 404, response.content
        assert response.json()["code"] in ("not_found", "address_not_found")
    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default) == ("London", True)
    assert api.get(ADDRESSES).json()["count"] == 0


def test_an_unknown_address_id_is_not_found(api):
    response = api.get(address_url(987654))

    assert response.status_code == 404
    assert response.json()["code"] in ("not_found", "address_not_found")


@pytest.mark.parametrize("count", [1, 50])
def test_address_book_lists_in_a_constant_number_of_queries(
    api, ada, count, django_assert_num_queries
):
    for number in range(count):
        make_address(ada, line1=f"{number} Main Street")

    with django_assert_num_queries(2):  # the count and the page
        response = api.get(ADDRESSES, {"page_size": 100})

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("path", ["addresses/", "addresses/{id}/default/"])
def test_the_browsable_api_pages_open_for_a_signed_in_browser(client, path):
    user = get_user_model().objects.create_user(email="ada@example.com", password="x")
    address = address_book.add_address(
        user.pk,
        full_name="Ada",
        line1="1 Road",
        city="London",
        postal_code="N1",
        country="GB",
    )
    client.force_login(user)

    page = client.get(f"/api/v1/accounts/{path.format(id=address.pk)}", HTTP_ACCEPT="text/html")

    assert page.status_code in (200, 405)


def test_options_on_an_address_describes_how_to_replace_it(api, ada):
    address = make_address(ada)

    response = api.options(address_url(address.pk))

    assert response.status_code == 200
    assert "postal_code" in response.json()["actions"]["PUT"]


def test_options_on_someone_elses_address_does_not_describe_it(api):
    theirs = make_address(make_user("bob@example.com"))

    response = api.options(address_url(theirs.pk))

    assert response.status_code == 200
    assert "actions" not in response.json()
