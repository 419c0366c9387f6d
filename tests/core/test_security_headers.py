"""
Every response carries a Content-Security-Policy that refuses inline
scripts, event handlers and styles, and a Permissions-Policy; the pages the
shop serves (storefront, admin, test gateway, Swagger UI, error pages) hold
nothing inline that the policy would refuse. The browser tests
(tests/e2e/test_security_headers.py) show the same in Chromium.
"""

import re
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from PIL import Image

from shop.catalog.models import ProductImage
from shop.payments.gateways.builtin import page_url
from tests.catalog.factories import make_product
from tests.payments.conftest import create_payment

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"

# What the policy refuses: a <script> with code in it (a JSON data block is
# not run), an on…= handler, a <style> element, a style="" attribute.
INLINE = {
    "script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
}


def directives(response, header: str = CSP) -> dict[str, list[str]]:
    policy = response[header]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def inline_code(html: str) -> dict[str, list[str]]:
    found = {kind: pattern.findall(html) for kind, pattern in INLINE.items()}
    return {kind: matches for kind, matches in found.items() if matches}


@pytest.fixture
def raincoat(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = make_product("Harbour Raincoat", price="89.00", stock=5)
    photo = BytesIO()
    Image.new("RGB", (64, 48), (11, 110, 79)).save(photo, format="JPEG")
    ProductImage.objects.create(
        product=product, image=ContentFile(photo.getvalue(), name="raincoat.jpg")
    )
    return product


@pytest.fixture
def ada(client):
    """A signed-in customer with a confirmed email, changing it to another (still pending)."""
    user = get_user_model().objects.create_user(email="ada@example.com", password="pw-ada-1843")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    EmailAddress.objects.create(user=user, email="ada@new.example.com", verified=False)
    client.force_login(user)
    return user


def test_the_storefront_answers_with_a_policy_that_refuses_inline_code(client):
    response = client.get("/")

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response[CSP]
    assert "'unsafe-eval'" not in response[CSP]


def test_the_checkout_form_may_go_on_to_the_payment_page(client):
    # Chromium checks the redirect after the checkout's POST against form-action.
    form_action = directives(client.get("/"))["form-action"]

    assert form_action[0] == "'self'"
    assert "https://checkout.stripe.com" in form_action


def test_every_response_refuses_camera_microphone_location_and_payment(client):
    response = client.get("/")

    features = dict(
        feature.strip().split("=") for feature in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_admin_pages_carry_the_policies(admin_client):
    for url in ("/admin/login/", "/admin/", "/admin/catalog/product/"):
        response = admin_client.get(url)

        assert response.status_code in (200, 302), url
        assert directives(response)["script-src"] == ["'self'"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_the_api_and_its_docs_carry_the_policies(client):
    for url in ("/api/v1/catalog/products/", "/api/schema/", "/api/docs/"):
        response = client.get(url)

        assert response.status_code == 200, url
        assert directives(response)["script-src"] == ["'self'"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_api_docs_load_their_start_up_script_from_a_file_and_only_add_data_images(client):
    response = client.get("/api/docs/")

    html = response.content.decode()
    assert inline_code(html) == {}
    assert directives(response)["img-src"] == ["'self'", "data:"]  # Swagger UI's icons
    assert 'href="/static/shop/css/swagger.css"' in html
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_storefront_and_account_pages_hold_no_inline_code(client, raincoat, ada):
    client.post("/cart/add/", {"sku": raincoat.variants.get().sku})
    pages = {
        url: client.get(url)
        for url in (
            "/",
            "/products/",
            f"/p/{raincoat.slug}/",
            "/search/?q=raincoat",
            "/cart/",
            "/checkout/",
            "/accounts/",
            "/accounts/email/",
            "/accounts/addresses/",
            "/orders/",
            "/no-such-page/",
        )
    }

    assert pages["/accounts/email/"].context["new_emailaddress"]  # the pending change's form
    assert raincoat.images.get().list_thumbnail.url in pages["/products/"].content.decode()
    for url, response in pages.items():
        assert response.status_code in (200, 404), url
        assert inline_code(response.content.decode()) == {}, url


def test_admin_pages_hold_no_inline_code(admin_client, raincoat):
    variant = raincoat.variants.get()
    for url in (
        "/admin/",
        "/admin/catalog/product/",
        f"/admin/catalog/product/{raincoat.pk}/change/",
        "/admin/catalog/product/add/",
        f"/admin/catalog/variant/{variant.pk}/change/",
        "/admin/catalog/stockmovement/",
        "/admin/orders/order/",
        "/admin/payments/payment/",
        "/admin/accounts/user/",
        "/admin/reports/salesdashboard/",
    ):
        response = admin_client.get(url)

        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == {}, url


def test_the_test_gateway_page_holds_no_inline_code(client, settings, ada):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    payment = create_payment(ada)

    response = client.get(page_url(payment.id))

    assert response.status_code == 200
    assert directives(response)["form-action"][0] == "'self'"
    assert inline_code(response.content.decode()) == {}


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_error_pages_hold_no_inline_code(template):
    html = render_to_string(template)

    assert inline_code(html) == {}
    assert "/static/shop/css/error.css" in html
