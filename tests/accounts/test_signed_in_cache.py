"""
The signed-in user's row kept in the cache (decision 0037): never the row as
it was before a password change, a deactivation, a deletion or a new name.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from shop.accounts import signed_in
from shop.core import versioned
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mug():
    return make_product("Mug", price="10.00", stock=7, slug="mug", category=make_category("Mugs"))


def signed_in_as(first_name="Ana"):
    user = get_user_model().objects.create_user(
        email="ana@example.com", password="quiet-harbour-1843", first_name=first_name
    )
    browser = Client()
    browser.force_login(user)
    return browser, user


def header(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[: html.index("</header>")]))


def warm(browser):
    """The shared page, the session and the user's row are now in the cache."""
    browser.get("/p/mug/")
    page = browser.get("/p/mug/")
    assert page["X-Page-Cache"] == "filled"
    assert "Hi, Ana" in header(page)


def test_a_password_changed_elsewhere_signs_the_session_out_at_once():
    browser, user = signed_in_as()
    warm(browser)

    user.set_password("another-harbour-2911")
    user.save()

    assert "Sign in" in header(browser.get("/p/mug/"))
    assert browser.get("/accounts/").status_code == 302  # to the sign-in page


def test_a_deactivated_customer_is_signed_out_at_once():
    browser, user = signed_in_as()
    warm(browser)

    user.is_active = False
    user.save()

    assert "Sign in" in header(browser.get("/p/mug/"))


def test_a_deleted_user_is_signed_out_at_once():
    browser, user = signed_in_as()
    warm(browser)

    user.delete()

    assert "Sign in" in header(browser.get("/p/mug/"))


def test_a_new_name_shows_on_the_next_page():
    browser, user = signed_in_as()
    warm(browser)

    user.first_name = "Anna"
    user.save()

    assert "Hi, Anna" in header(browser.get("/p/mug/"))


def test_a_row_read_before_a_password_change_commits_is_never_served_after_it(
    django_capture_on_commit_callbacks,
):
    browser, user = signed_in_as()
    warm(browser)
    before = get_user_model().objects.get(pk=user.pk)

    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("another-harbour-2911")
        user.save()
        # Another request reads the row now, as if the change were not yet visible to it.
        versioned.cached(
            signed_in._name(user.pk),
            lambda: (before, before.get_session_auth_hash()),
            signed_in.TIMEOUT,
        )

    assert "Sign in" in header(browser.get("/p/mug/"))


def test_a_signed_in_page_reads_the_user_row_once_then_from_the_cache(
    django_assert_num_queries,
):
    browser, _ = signed_in_as()
    warm(browser)

    with django_assert_num_queries(0):
        page = browser.get("/p/mug/")

    assert "Hi, Ana" in header(page)


def test_the_password_hash_is_not_kept_in_the_cache_and_saving_the_user_keeps_it():
    browser, user = signed_in_as()
    warm(browser)
    kept = cache.get_many([f"{signed_in._name(user.pk)}:n"])
    assert user.password not in repr(kept)

    page_user = signed_in.user(browser.get("/p/mug/").wsgi_request)
    page_user.first_name = "Anna"
    page_user.save()

    user.refresh_from_db()
    assert user.first_name == "Anna"
    assert user.check_password("quiet-harbour-1843")
