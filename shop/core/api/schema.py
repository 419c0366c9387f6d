"""
drf-spectacular hooks: one OpenAPI document for the shop's API and allauth's
headless endpoints, so integrators find sign-up, login and token refresh
next to the resources they unlock; and the schema class that documents the
429 of every throttled operation (``AutoSchema``).

allauth publishes its own spec (``allauth.headless.spec``) without
operationIds and with component names that could clash with ours; the hook
below copies the app client's paths into the generated schema, gives every
operation a stable ``operationId`` and prefixes the components it needs.
"""

import copy
import re

from django.urls import Resolver404, resolve
from drf_spectacular import openapi

from .docs import RETRY_AFTER, THROTTLED

HEADLESS_PREFIX = "/_allauth/app/v1/"
COMPONENT_PREFIX = "Allauth"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REF = re.compile(r"^#/components/(?P<kind>[^/]+)/(?P<name>.+)$")

BEARER_DESCRIPTION = (
    "The access token (a JWT) from `meta.access_token` of the login or sign-up response "
    "of `/_allauth/app/v1/auth/…`, sent as `Authorization: Bearer <token>`. It expires "
    "after a few minutes: `POST /_allauth/app/v1/tokens/refresh` with the refresh token "
    "returns a new one (and a new refresh token; the old one stops working)."
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, with a 429 on every operation its view throttles."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response" and self.view.get_throttles() and "429" not in responses:
            throttled = self._get_response_for_code(THROTTLED, "429", direction=direction)
            throttled["headers"] = {"Retry-After": RETRY_AFTER}
            responses["429"] = throttled
        return responses


def headless_spec() -> dict:
    """allauth's OpenAPI spec for the configured clients (``HEADLESS_SERVE_SPECIFICATION``)."""
    from allauth.headless.spec.internal.schema import get_schema

    return copy.deepcopy(get_schema())


def operation_id(method: str, path: str) -> str:
    """``post`` + ``/_allauth/app/v1/auth/email/verify`` → ``auth_app_email_verify_post``."""
    words = re.findall(r"[a-z0-9]+", path.removeprefix(HEADLESS_PREFIX).lower())
    return "_".join(["auth_app", *words, method])


def _rename_refs(node, rename):
    """``node`` with every ``$ref`` to a component renamed by ``rename(kind, name)``."""
    if isinstance(node, dict):
        renamed = {}
        for key, value in node.items():
            match = REF.match(value) if key == "$ref" and isinstance(value, str) else None
            if match:
                value = f"#/components/{match['kind']}/{rename(match['kind'], match['name'])}"
            else:
                value = _rename_refs(value, rename)
            renamed[key] = value
        return renamed
    if isinstance(node, list):
        return [_rename_refs(item, rename) for item in node]
    return node


def _refs(node):
    """Each ``(kind, name)`` that ``node`` refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (match := REF.match(value)):
                yield match["kind"], match["name"]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _used_components(paths: dict, components: dict) -> dict:
    """The part of ``components`` that ``paths`` need, directly or through other components."""
    used: dict[str, dict] = {}
    pending = list(_refs(paths))
    while pending:
        kind, name = pending.pop()
        if name in used.get(kind, {}) or name not in components.get(kind, {}):
            continue
        used.setdefault(kind, {})[name] = components[kind][name]
        pending.extend(_refs(components[kind][name]))
    return used


def _bearer_scheme_names(result: dict) -> list[str]:
    schemes = result.get("components", {}).get("securitySchemes", {})
    return [
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
    ]


def document_bearer_tokens(result: dict) -> None:
    """Say that the bearer token is allauth's JWT, so Swagger's Authorize dialog explains it."""
    for name in _bearer_scheme_names(result):
        result["components"]["securitySchemes"][name].update(
            bearerFormat="JWT", description=BEARER_DESCRIPTION
        )


def merge_headless_spec(result: dict, spec: dict) -> None:
    """Add the app client's paths of ``spec`` (allauth's) to ``result``, with operationIds."""

    def rename(kind, name):
        return f"{COMPONENT_PREFIX}{name}"

    own_paths = {
        path: item
        for path, item in spec.get("paths", {}).items()
        if path.startswith(HEADLESS_PREFIX)
    }
    used = _used_components(own_paths, spec.get("components", {}))
    paths = {path: _rename_refs(item, rename) for path, item in own_paths.items()}
    bearer = [{name: []} for name in _bearer_scheme_names(result)]
    taken = {
        operation.get("operationId")
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    for path, item in paths.items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            identifier = operation_id(method, path)
            if identifier in taken:
                raise ValueError(f"operationId {identifier!r} of {method} {path} is taken")
            taken.add(identifier)
            operation["operationId"] = identifier
            if bearer:
                # Signed in or not: the token is optional on allauth's endpoints.
                operation.setdefault("security", [*bearer, {}])
    result.setdefault("paths", {}).update(paths)

    components = result.setdefault("components", {})
    for kind, entries in used.items():
        target = components.setdefault(kind, {})
        for name, value in entries.items():
            target[rename(kind, name)] = _rename_refs(value, rename)

    used_tags = {
        tag
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", [])
    }
    tags = result.setdefault("tags", [])
    known = {tag["name"] for tag in tags}
    for tag in spec.get("tags", []):
        if tag["name"] in used_tags and tag["name"] not in known:
            tags.append(tag)
            known.add(tag["name"])


def served_by_allauth(path: str) -> bool:
    """False for a path of allauth's spec that the URLconf routes elsewhere (not offered here)."""
    try:
        return resolve(path).func.__module__.startswith("allauth.")
    except Resolver404:
        return False


def add_headless_endpoints(result, generator, request, public):
    """
    ``POSTPROCESSING_HOOKS`` entry: allauth's headless app endpoints in the
    schema, and the bearer scheme documented as allauth's JWT access token.
    """
    document_bearer_tokens(result)
    spec = headless_spec()
    spec["paths"] = {path: item for path, item in spec["paths"].items() if served_by_allauth(path)}
    merge_headless_spec(result, spec)
    return result
