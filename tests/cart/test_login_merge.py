"""An app that shopped anonymously keeps its cart when it logs in through the headless API."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from shop.accounts.services import deletion as accounts
from shop.cart import public
from tests.cart.test_api import Caller
from tests.catalog.factories import make_product
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

PASSWORD = "Analytical-Engine-1843"


@pytest.fixture
def ada():
    user = get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def test_headless_login_with_the_cart_token_merges_the_anonymous_cart(ada):
    tee = make_product("Tee", stock=5)
    sku = tee.variants.get().sku
    anonymous = Caller()
    anonymous.add(sku, 2)

    login = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": "ada@example.com", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CART_TOKEN=anonymous.token,
    )
    assert login.status_code == 200, login.content
    token = login.json()["meta"]["access_token"]

    cart = Client().get("/api/v1/cart/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert [(item["sku"], item["quantity"]) for item in cart.json()["items"]] == [(sku, 2)]
    assert "X-Cart-Token" not in cart.headers
    assert anonymous.get().json()["items"] == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_deleting_an_account_deletes_its_cart(ada):
    tee = make_product(stock=5)
    client = Client()
    client.force_login(ada)
    client.post("/cart/add/", {"sku": tee.variants.get().sku})
    assert public.get_cart_lines(user_id=ada.pk)

    accounts.delete_account(ada.pk)

    assert wait_for(lambda: public.get_cart_lines(user_id=ada.pk) == ())
