"""
``assert_documented(response, method, path)``: the answer a test got is one
the published OpenAPI document (``/api/schema/``) promises for that
operation: its status code is listed and its body matches that response's
schema. For regression tests of what the fuzzer found, next to each app's tests.
"""

import functools

import requests
import schemathesis
from django.test import Client


@functools.cache
def published_schema():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    return schemathesis.openapi.from_dict(response.json())


def _as_schemathesis_response(response, method: str, path: str) -> schemathesis.Response:
    return schemathesis.Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method.upper(), f"http://testserver{path}").prepare(),
        elapsed=0.0,
        verify=False,
    )


def assert_documented(response, method: str, path: str) -> None:
    """``path`` is the documented template, e.g. ``/api/v1/catalog/variants/{sku}/``."""
    operation = published_schema()[path][method.upper()]
    documented = sorted(operation.definition.raw["responses"])
    assert operation.responses.find_by_status_code(response.status_code) is not None, (
        f"{method.upper()} {path} answered {response.status_code}; it documents {documented}"
    )
    operation.validate_response(_as_schemathesis_response(response, method, path))
