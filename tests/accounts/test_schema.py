"""
/api/schema/ documents allauth's headless app endpoints next to the shop's
API, so an integrator finds sign-up, login and token refresh in one place.
"""

from collections import Counter

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from shop.core.api.schema import operation_id

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_schema_documents_the_headless_login_with_an_operation_id(schema):
    login = schema["paths"]["/_allauth/app/v1/auth/login"]["post"]

    assert login["operationId"] == "auth_app_auth_login_post"
    assert "/_allauth/app/v1/auth/signup" in schema["paths"]
    assert "/_allauth/app/v1/tokens/refresh" in schema["paths"]
    assert not [path for path in schema["paths"] if "/browser/" in path]


def test_every_operation_has_a_unique_operation_id(schema):
    ids = Counter(operation.get("operationId") for _, _, operation in operations(schema))

    assert None not in ids
    assert [name for name, count in ids.items() if count > 1] == []


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "$ref" else refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_merged_schema_is_valid_and_every_reference_resolves(schema):
    validate_schema(schema)
    missing = []
    for ref in set(refs(schema)):
        _, _, kind, name = ref.split("/", 3)
        if name not in schema["components"].get(kind, {}):
            missing.append(ref)

    assert missing == []


def test_allauths_components_are_prefixed_so_they_cannot_clash_with_ours(schema):
    assert "AllauthUser" in schema["components"]["schemas"]
    assert "User" not in schema["components"]["schemas"]


def test_the_bearer_scheme_is_documented_as_a_jwt_for_swaggers_authorize_button(schema):
    schemes = schema["components"]["securitySchemes"]
    me = schema["paths"]["/api/v1/accounts/me/"]["get"]

    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert len(bearer) == 1
    assert schemes[bearer[0]]["bearerFormat"] == "JWT"
    assert {bearer[0]: []} in me["security"]
    assert me["tags"] == ["accounts"]


def test_the_account_endpoints_are_tagged_accounts_with_examples(schema):
    address_operations = [
        operation
        for path, _, operation in operations(schema)
        if path.startswith("/api/v1/accounts/")
    ]

    assert len(address_operations) == 9
    assert all(operation["tags"] == ["accounts"] for operation in address_operations)
    created = schema["paths"]["/api/v1/accounts/addresses/"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["examples"]


def test_operation_ids_are_derived_from_method_and_path():
    assert operation_id("post", "/_allauth/app/v1/auth/email/verify") == (
        "auth_app_auth_email_verify_post"
    )
    assert operation_id("get", "/_allauth/app/v1/auth/email/verify") != operation_id(
        "post", "/_allauth/app/v1/auth/email/verify"
    )


def test_the_swagger_page_is_served(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200


def test_spectacular_validates_the_schema_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert "/_allauth/app/v1/auth/login:" in (tmp_path / "schema.yaml").read_text()


def test_the_phone_number_endpoints_the_shop_does_not_offer_are_not_documented(schema):
    assert not [path for path in schema["paths"] if "/phone" in path]
    assert "/_allauth/app/v1/account/email" in schema["paths"]
