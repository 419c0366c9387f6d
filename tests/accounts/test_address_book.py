"""The address book on the account pages: one default address, kept per customer."""

import pytest
from django.contrib.auth import get_user_model

from shop.accounts.errors import AddressNotFound
from shop.accounts.models import Address
from shop.accounts.services import addresses as address_book

pytestmark = pytest.mark.django_db

LONDON = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}
OCKHAM = {
    "full_name": "Ada King",
    "line1": "Ockham Park",
    "city": "Ockham",
    "postal_code": "GU23 6NX",
    "country": "GB",
}


def make_user(email: str):
    return get_user_model().objects.create_user(email=email, password="quiet-harbour-1843")


def default_of(user) -> Address:
    return Address.objects.get(user=user, is_default=True)


@pytest.fixture
def ada():
    return make_user("ada@example.com")


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


def test_first_address_added_on_the_page_becomes_the_default(ada_client, ada):
    response = ada_client.post("/accounts/addresses/add/", LONDON, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/addresses/"
    page = response.content.decode()
    assert "12 St James&#x27;s Square" in page
    assert "Default" in page
    assert default_of(ada).line1 == LONDON["line1"]


def test_a_full_address_book_says_so_on_the_page_and_adds_nothing(ada_client, ada, settings):
    settings.ACCOUNTS_MAX_ADDRESSES = 1
    address_book.add_address(ada.pk, **LONDON)

    response = ada_client.post("/accounts/addresses/add/", OCKHAM)

    assert response.status_code == 200
    assert "Your address book is full" in response.content.decode()
    assert list(Address.objects.values_list("city", flat=True)) == ["London"]


def test_adding_an_address_as_default_moves_the_default(ada_client, ada):
    ada_client.post("/accounts/addresses/add/", LONDON)
    ada_client.post("/accounts/addresses/add/", {**OCKHAM, "is_default": "on"})
    assert default_of(ada).city == "Ockham"
    assert Address.objects.filter(user=ada).count() == 2


def test_adding_a_second_address_keeps_the_default(ada_client, ada):
    ada_client.post("/accounts/addresses/add/", LONDON)
    ada_client.post("/accounts/addresses/add/", OCKHAM)
    assert default_of(ada).city == "London"


def test_make_default_button_moves_the_default(ada_client, ada):
    london = address_book.add_address(ada.pk, **LONDON)
    ockham = address_book.add_address(ada.pk, **OCKHAM)
    response = ada_client.post(f"/accounts/addresses/{ockham.pk}/default/", follow=True)
    assert "Ada King, Ockham is now your default address." in response.content.decode()
    assert default_of(ada) == ockham
    london.refresh_from_db()
    assert not london.is_default


def test_deleting_asks_for_confirmation_first(ada_client, ada):
    london = address_book.add_address(ada.pk, **LONDON)
    page = ada_client.get(f"/accounts/addresses/{london.pk}/delete/").content.decode()
    assert "Delete this address?" in page
    assert Address.objects.filter(pk=london.pk).exists()


def test_deleting_the_default_promotes_the_newest_other_address(ada_client, ada):
    london = address_book.add_address(ada.pk, **LONDON)
    address_book.add_address(ada.pk, **OCKHAM)
    newest = address_book.add_address(ada.pk, **{**OCKHAM, "line1": "1 Ockham Lane"})
    response = ada_client.post(f"/accounts/addresses/{london.pk}/delete/", follow=True)
    assert "removed from your address book" in response.content.decode()
    assert not Address.objects.filter(pk=london.pk).exists()
    assert default_of(ada) == newest


def test_deleting_the_last_address_leaves_an_empty_book(ada_client, ada):
    london = address_book.add_address(ada.pk, **LONDON)
    ada_client.post(f"/accounts/addresses/{london.pk}/delete/")
    page = ada_client.get("/accounts/addresses/").content.decode()
    assert "You have no saved addresses yet" in page


def test_editing_an_address_shows_the_change(ada_client, ada):
    london = address_book.add_address(ada.pk, **LONDON)
    ada_client.post(
        f"/accounts/addresses/{london.pk}/edit/", {**LONDON, "line2": "Flat 3", "city": "Londinium"}
    )
    page = ada_client.get("/accounts/addresses/").content.decode()
    assert "Flat 3" in page and "Londinium" in page
    assert default_of(ada) == london


def test_an_incomplete_address_is_refused_with_the_reasons(ada_client, ada):
    response = ada_client.post(
        "/accounts/addresses/add/", {**LONDON, "country": "", "postal_code": ""}
    )
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "edit/"),
        ("post", "edit/"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("post", "default/"),
    ],
)
def test_another_customers_address_is_not_found_and_unchanged(ada_client, method, path):
    grace = make_user("grace@example.com")
    hers = address_book.add_address(grace.pk, **OCKHAM)
    address_book.add_address(grace.pk, **LONDON)
    response = getattr(ada_client, method)(
        f"/accounts/addresses/{hers.pk}/{path}", {**LONDON, "is_default": "on"}
    )
    assert response.status_code == 404
    hers.refresh_from_db()
    assert (hers.city, hers.is_default) == ("Ockham", True)
    assert Address.objects.filter(user=grace).count() == 2


def test_another_customers_address_is_not_found_by_the_services(ada):
    grace = make_user("grace@example.com")
    hers = address_book.add_address(grace.pk, **OCKHAM)
    for call in (
        lambda: address_book.update_address(ada.pk, hers.pk, city="Elsewhere"),
        lambda: address_book.delete_address(ada.pk, hers.pk),
        lambda: address_book.set_default_address(ada.pk, hers.pk),
    ):
        with pytest.raises(AddressNotFound) as raised:
            call()
        assert raised.value.code == "address_not_found"
    hers.refresh_from_db()
    assert hers.city == "Ockham"


def test_address_book_shows_only_my_addresses(ada_client, ada):
    address_book.add_address(ada.pk, **LONDON)
    address_book.add_address(make_user("grace@example.com").pk, **OCKHAM)
    page = ada_client.get("/accounts/addresses/").content.decode()
    assert "London" in page
    assert "Ockham" not in page


@pytest.mark.parametrize("rows", [1, 20])  # 20: a full book (ACCOUNTS_MAX_ADDRESSES)
def test_address_book_page_runs_a_constant_number_of_queries(
    ada_client, ada, rows, django_assert_num_queries
):
    for number in range(rows):
        address_book.add_address(ada.pk, **{**LONDON, "line1": f"{number} Square"})
    ada_client.get("/accounts/addresses/")  # warms the cached session
    with django_assert_num_queries(1):  # the addresses (the user and the cart count are cached)
        response = ada_client.get("/accounts/addresses/")
    assert response.content.decode().count('class="address"') == rows
